"""The environment every test process gets (secrets for tests only)."""

TEST_ENV = {
    "APP_ENV": "test",
    "JWT_SECRET": "test-jwt-secret-at-least-32-bytes-long",
    "INVITATION_SECRET": "test-invitation-secret-at-least-32-bytes",
    "ADMIN_USERNAME": "admin",
    "ADMIN_PASSWORD": "rahasia-admin-123",
    "PUBLIC_BASE_URL": "http://retret.test",
    "MAIL_FROM": "Panitia Retret <retret@malangkota.go.id>",
    "SMS_PROVIDERS": "log",
    "CELERY_VISIBILITY_TIMEOUT": "5",
}
