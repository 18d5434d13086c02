#!/bin/bash
# Creates one database per service (DESIGN.md §1: no service reads another's tables).
# The postgres image runs this from /docker-entrypoint-initdb.d once, on the first start with an empty data
# volume, as POSTGRES_USER; that role owns the databases. The names match the *_DATABASE_URL values in .env.
# Safe to run again by hand: an existing database is left alone.
set -euo pipefail

for db in ${RETRET_DATABASES:-registration notifications reporting}; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
         -v db="$db" -v owner="${POSTGRES_USER}" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db')
\gexec
SQL
done
