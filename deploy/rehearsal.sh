#!/usr/bin/env bash
# Production rehearsal on this machine, loopback only (see deploy/README.md, "Rehearsal"):
# nginx in front of gunicorn nodes, mail workers, the job runner, its own Redis and an SMTP
# sink, against the running PostgreSQL (127.0.0.1:5432, user postgres), under a Locust load,
# with a web node and a mail worker SIGKILLed, Redis stopped for 10 s, and a pg_dump restored
# and checked. Prints and asserts the figures; writes them to instance/rehearsal/.
#
#   deploy/rehearsal.sh [--duration 120] [--nodes 2] [--users 30] [--workers 3] [--out DIR]
#
# Exit status: 0 every assertion held; 1 an assertion failed; 2 the set-up failed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
python=${PYTHON:-$repo/.venv/bin/python}

if ! "$python" -c 'import flask, gunicorn, aiosmtpd' 2>/dev/null; then
  echo "rehearsal: $python lacks the app's packages; run 'make setup-dev' first" >&2
  exit 2
fi
for tool in redis-server psql pg_dump pg_restore; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "rehearsal: $tool is missing (apt-get install redis-server postgresql-client)" >&2
    exit 2
  fi
done
if ! command -v nginx >/dev/null 2>&1 && [ -x /usr/sbin/nginx ]; then
  PATH=$PATH:/usr/sbin
fi
if ! command -v nginx >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    # nginx-light is enough (upstream, proxy, static); older releases only have nginx.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null 2>&1 \
      || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
    PATH=$PATH:/usr/sbin
  else
    echo "rehearsal: nginx is missing (apt-get install nginx-light)" >&2
    exit 2
  fi
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "rehearsal: PostgreSQL does not answer on 127.0.0.1:5432" >&2
  exit 2
fi

# Locust as pinned in requirements-dev.txt, in the app's virtualenv (its dependencies do not
# clash with the app's pins).
locust=$(dirname "$python")/locust
if [ ! -x "$locust" ]; then
  "$(dirname "$python")/pip" install -q "$(grep -E '^locust==' requirements-dev.txt)"
fi

# orchestrate.py stops what it started and drops its databases itself; this trap is the
# safety net when it is killed: every process of its group, and any rehearsal_<its pid>* db.
child=
cleanup() {
  status=$?
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$child" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$child" 2>/dev/null || true
  fi
  if [ -n "$child" ]; then
    for db in $(psql -X -tA postgresql://postgres@127.0.0.1:5432/postgres \
      -c "SELECT datname FROM pg_database WHERE datname LIKE 'rehearsal\\_${child}%'" 2>/dev/null); do
      psql -X -q postgresql://postgres@127.0.0.1:5432/postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
    done
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$python" deploy/rehearsal/orchestrate.py --locust "$locust" "$@" &
child=$!
wait "$child"
