#!/bin/bash
# Starts Kannel's bearerbox, smsbox and fakesmsc in one container (or on a test machine) and stops all three
# as soon as one of them ends, so that the container restarts as a whole.
#
# Environment (defaults in brackets):
#   KANNEL_USERNAME, KANNEL_PASSWORD   the sendsms account (required)
#   KANNEL_ADMIN_PASSWORD              admin interface password [random]
#   KANNEL_SENDSMS_PORT [13013]  KANNEL_ADMIN_PORT [13000]  KANNEL_SMSBOX_PORT [13001]  KANNEL_FAKESMSC_PORT [10000]
#   KANNEL_FAKESMSC_MO_PORT [10001]    the fake SMSC that only brings in replies (a test plays a handset there)
#   KANNEL_MO_URL [http://notifications-api:5002/api/v1/providers/kannel/mo]  where replies from handsets go
#   KANNEL_MO_SECRET [empty: replies are refused]  the notifications service's KANNEL_MO_SECRET (URL-safe)
#   KANNEL_CONF_TEMPLATE [kannel.conf next to this script, or /etc/kannel/kannel.conf.template]
#   KANNEL_RUN_DIR [/tmp/kannel]       where the rendered configuration is written
#   KANNEL_BIN_DIR [/usr/sbin]  FAKESMSC [/usr/lib/kannel/test/fakesmsc]  KANNEL_LOG_LEVEL [1 = info]
set -euo pipefail

: "${KANNEL_USERNAME:?KANNEL_USERNAME must be set}"
: "${KANNEL_PASSWORD:?KANNEL_PASSWORD must be set}"
export KANNEL_USERNAME KANNEL_PASSWORD
export KANNEL_SENDSMS_PORT="${KANNEL_SENDSMS_PORT:-13013}"
export KANNEL_ADMIN_PORT="${KANNEL_ADMIN_PORT:-13000}"
export KANNEL_SMSBOX_PORT="${KANNEL_SMSBOX_PORT:-13001}"
export KANNEL_FAKESMSC_PORT="${KANNEL_FAKESMSC_PORT:-10000}"
export KANNEL_FAKESMSC_MO_PORT="${KANNEL_FAKESMSC_MO_PORT:-10001}"
export KANNEL_MO_URL="${KANNEL_MO_URL:-http://notifications-api:5002/api/v1/providers/kannel/mo}"
export KANNEL_MO_SECRET="${KANNEL_MO_SECRET:-}"
if [[ ! "$KANNEL_MO_SECRET" =~ ^[A-Za-z0-9._~-]*$ ]]; then
    echo "kannel: KANNEL_MO_SECRET may only hold letters, digits and - . _ ~ (it goes into a URL as it is)" >&2
    exit 2
fi
export KANNEL_ADMIN_PASSWORD="${KANNEL_ADMIN_PASSWORD:-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')}"
KANNEL_BIN_DIR="${KANNEL_BIN_DIR:-/usr/sbin}"
FAKESMSC="${FAKESMSC:-/usr/lib/kannel/test/fakesmsc}"
KANNEL_LOG_LEVEL="${KANNEL_LOG_LEVEL:-1}"
KANNEL_RUN_DIR="${KANNEL_RUN_DIR:-/tmp/kannel}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
template="${KANNEL_CONF_TEMPLATE:-}"
if [[ -z "$template" ]]; then
    if [[ -f "$here/kannel.conf" ]]; then template="$here/kannel.conf"; else template=/etc/kannel/kannel.conf.template; fi
fi

mkdir -p "$KANNEL_RUN_DIR"
conf="$KANNEL_RUN_DIR/kannel.conf"
# Substitute ${NAME} from the environment (not in comment lines). perl (always present in Debian) copes with
# any character in a value, which sed replacement strings do not.
umask 077
perl -pe 'next if /^\s*#/; s/\$\{([A-Z0-9_]+)\}/exists $ENV{$1} ? $ENV{$1} : die "kannel.conf: $1 is not set\n"/ge' \
    "$template" > "$conf"

wait_for_port() {  # wait_for_port PORT PID: until something listens on 127.0.0.1:PORT (while PID lives)
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        kill -0 "$2" 2>/dev/null || { echo "kannel: process $2 exited before port $1 opened" >&2; return 1; }
        sleep 0.1
    done
    echo "kannel: nothing listens on port $1 after 10 s" >&2
    return 1
}

pids=()
stop_all() {
    trap - TERM INT EXIT
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait || true
}
trap 'stop_all; exit 0' TERM INT
trap stop_all EXIT

"$KANNEL_BIN_DIR/bearerbox" -v "$KANNEL_LOG_LEVEL" "$conf" &
pids+=($!)
wait_for_port "$KANNEL_SMSBOX_PORT" "${pids[0]}"

"$KANNEL_BIN_DIR/smsbox" -v "$KANNEL_LOG_LEVEL" "$conf" &
pids+=($!)
wait_for_port "$KANNEL_FAKESMSC_PORT" "${pids[0]}"

# -m 0: send no message of its own, only receive; the message argument keeps it out of interactive mode.
"$FAKESMSC" -v "$KANNEL_LOG_LEVEL" -H 127.0.0.1 -r "$KANNEL_FAKESMSC_PORT" -m 0 "100 100 text nop" &
pids+=($!)

echo "kannel: sendsms on port $KANNEL_SENDSMS_PORT" >&2
# Whichever process ends first ends the container (its exit status is kept).
status=0
wait -n || status=$?
echo "kannel: a process ended (status $status), stopping the others" >&2
exit "$status"
