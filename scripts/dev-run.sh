#!/usr/bin/env bash
# `make run`: the whole system on one machine without Docker (DESIGN.md §9).
#
# Sets development defaults for every variable you did not set (SQLite files under var/, Redis at REDIS_URL,
# the `log` SMS provider, an SMTP sink keeping mail under var/mail/), makes sure Redis answers (starting a local
# redis-server under var/redis/ if needed and possible), runs the migrations once, then starts the Procfile's
# processes with honcho, readable log lines (LOG_FORMAT=text) and, once everything answers, a banner with the URLs.
# Configure by exporting variables, e.g.  SMTP_HOST=smtp.example.go.id make run   or   LOG_FORMAT=json make run
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH"
VAR="$ROOT/var"
mkdir -p "$VAR" "$VAR/mail"

# --- Development defaults (only for variables that are unset or empty) ---
export APP_ENV="${APP_ENV:-development}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
# Absolute paths: every process finds the same files whatever its working directory.
export REGISTRATION_DATABASE_URL="${REGISTRATION_DATABASE_URL:-sqlite:///$VAR/registration.db}"
export NOTIFICATIONS_DATABASE_URL="${NOTIFICATIONS_DATABASE_URL:-sqlite:///$VAR/notifications.db}"
export REPORTING_DATABASE_URL="${REPORTING_DATABASE_URL:-sqlite:///$VAR/reporting.db}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:5001}"
export NOTIFICATIONS_BASE_URL="${NOTIFICATIONS_BASE_URL:-http://127.0.0.1:5002}"
# The pages served by one service call the APIs of the others.
export CORS_ORIGINS="${CORS_ORIGINS:-http://127.0.0.1:5001,http://127.0.0.1:5002,http://127.0.0.1:5003,http://localhost:5001,http://localhost:5002,http://localhost:5003}"
export MAIL_FROM="${MAIL_FROM:-noreply@retret.localhost}"
export BEAT_SCHEDULE_FILE="${BEAT_SCHEDULE_FILE:-$VAR/celerybeat-schedule}"
# Short readable log lines without the bus's idle clockwork (compose and production keep JSON lines), and no
# Celery start-up banners: the welcome banner below says what matters.
export LOG_FORMAT="${LOG_FORMAT:-text}"
export CELERY_QUIET="${CELERY_QUIET:-1}"
# The `log` SMS provider unless a gateway is configured.
if [[ -n "${KANNEL_SENDSMS_URL:-}" ]]; then
    export SMS_PROVIDERS="${SMS_PROVIDERS:-kannel}"
else
    export SMS_PROVIDERS="${SMS_PROVIDERS:-log}"
fi
# Well-known secrets and the admin/admin account only in development; production must set its own.
if [[ "$APP_ENV" == "development" ]]; then
    export JWT_SECRET="${JWT_SECRET:-development-only-jwt-secret-change-me}"
    export INVITATION_SECRET="${INVITATION_SECRET:-development-only-invitation-secret-change-me}"
    export ADMIN_USERNAME="${ADMIN_USERNAME:-admin}"
    export ADMIN_PASSWORD="${ADMIN_PASSWORD:-admin}"
fi
# Without an SMTP server of yours, mail goes to the local sink (Procfile `smtp-sink`, files in var/mail/).
processes=(registration-api notifications-api reporting-api
           registration-worker notifications-worker reporting-worker registration-bulk-worker notifications-bulk-worker
           beat)
banner=(--parent-pid $$)  # $$ becomes honcho's pid at the exec below
if [[ -z "${SMTP_HOST:-}" ]]; then
    export SMTP_HOST=127.0.0.1 SMTP_PORT=1025 SMTP_STARTTLS=false
    processes+=(smtp-sink)
    banner+=(--mail-dir var/mail)
fi

# --- Redis ---
redis_ping() {
    python - "$REDIS_URL" <<'PY'
import sys
import redis
try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1, socket_timeout=1).ping()
except Exception:
    sys.exit(1)
PY
}

if ! redis_ping; then
    # Only a Redis on this machine can be started here.
    read -r redis_host redis_port < <(python - "$REDIS_URL" <<'PY'
import sys
from urllib.parse import urlsplit
url = urlsplit(sys.argv[1])
print(url.hostname or "127.0.0.1", url.port or 6379)
PY
)
    if command -v redis-server >/dev/null && [[ "$redis_host" =~ ^(127\.0\.0\.1|localhost|::1)$ ]]; then
        mkdir -p "$VAR/redis"
        echo "dev-run: starting redis-server on port $redis_port (data in var/redis/; stop it with: redis-cli -p $redis_port shutdown)"
        redis-server --port "$redis_port" --bind 127.0.0.1 --appendonly yes --maxmemory-policy noeviction \
            --dir "$VAR/redis" --daemonize yes --pidfile "$VAR/redis/redis.pid" --logfile "$VAR/redis/redis.log"
        for _ in $(seq 1 50); do redis_ping && break; sleep 0.1; done
    fi
    if ! redis_ping; then
        echo "dev-run: Redis does not answer at $REDIS_URL — start one (apt-get install redis-server, or: redis-server --port $redis_port --daemonize yes) or set REDIS_URL." >&2
        exit 1
    fi
fi

# --- Migrations, once, before any process starts ---
if ! (python -m registration.migrate && python -m notifications.migrate && python -m reporting.migrate); then
    echo "dev-run: migrations failed (see above); nothing was started." >&2
    exit 1
fi

# Once the APIs answer /readyz and the workers consume their queues: the URLs and the sign-in, printed once.
python -m retret.devtools.banner "${banner[@]}" &

# -e /dev/null: honcho must not read a .env (that file belongs to docker-compose and names its hostnames).
# Readable lines name their process and time themselves: honcho's prefix would say it twice.
honcho_options=(-e /dev/null)
if [[ "$LOG_FORMAT" == "text" ]]; then
    honcho_options+=(--no-prefix)
fi
exec "$ROOT/.venv/bin/honcho" start "${honcho_options[@]}" -f Procfile "${processes[@]}"
