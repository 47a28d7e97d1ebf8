#!/usr/bin/env bash
# Run a `flask` command as the service user with the production settings, e.g.
#   deploy/manage.sh db upgrade
#   deploy/manage.sh integrity check
#   deploy/manage.sh check-config
# Reads /etc/seminar_app/env (or $SEMINAR_ENV_FILE) line by line as systemd does: KEY=value,
# the value may hold spaces, no shell quoting or expansion.
set -euo pipefail
cd "$(dirname "$0")/.."
env_file=${SEMINAR_ENV_FILE:-/etc/seminar_app/env}
if [ ! -r "$env_file" ]; then
  echo "manage: cannot read $env_file (see deploy/env.example)" >&2
  exit 2
fi
mapfile -t settings < <(grep -Ev '^[[:space:]]*(#|$)' "$env_file")
runner=()
if [ "$(id -u)" = 0 ] && id seminar >/dev/null 2>&1; then
  runner=(runuser -u seminar --)
fi
exec "${runner[@]}" env "${settings[@]}" SEMINAR_CONFIG=production FLASK_APP=seminar_app .venv/bin/flask "$@"
