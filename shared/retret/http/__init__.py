"""What every service's HTTP API shares: app base, problem+json errors, auth, pagination, health."""
