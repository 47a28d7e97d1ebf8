#!/usr/bin/env bash
# Deploy a new release without downtime, on a server laid out as deploy/README.md says:
#   1. install the release's dependencies;
#   2. run the database migrations ONCE (`flask db upgrade`), while the old nodes still serve
#      (migrations are written expand-first, so the old code runs on the new schema);
#   3. restart the web nodes one at a time, waiting until each answers /readyz before the
#      next goes down (nginx sends the traffic to the others meanwhile);
#   4. restart the mail workers (each finishes the message in hand) and the job timer.
# Run as root from the release's checkout: deploy/upgrade.sh 8001 8002
set -euo pipefail

ports=("$@")
if [ ${#ports[@]} -eq 0 ]; then
  echo "usage: $0 PORT [PORT...]   (the instances of seminar-web@, e.g. 8001 8002)" >&2
  exit 2
fi
cd "$(dirname "$0")/.."

echo "upgrade: installing dependencies"
.venv/bin/pip install -q -r requirements.txt
.venv/bin/pybabel compile -q -d seminar_app/translations

echo "upgrade: checking the settings, then migrating the database (once, before any node restarts)"
deploy/manage.sh check-config
deploy/manage.sh db upgrade

for port in "${ports[@]}"; do
  echo "upgrade: restarting node $port"
  systemctl restart "seminar-web@$port"
  for _ in $(seq 1 60); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz"; then
      break
    fi
    sleep 1
  done
  if ! curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz"; then
    echo "upgrade: node $port is not ready after 60 s; stopping here (the other nodes still serve)" >&2
    journalctl -u "seminar-web@$port" -n 30 --no-pager >&2 || true
    exit 1
  fi
done

echo "upgrade: restarting mail workers"
systemctl restart 'seminar-mail-worker@*.service'
systemctl restart seminar-jobs.timer
echo "upgrade: done"
