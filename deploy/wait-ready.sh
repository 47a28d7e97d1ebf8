#!/bin/sh
# Wait until the web node on 127.0.0.1:PORT answers /readyz with 200 (database reachable,
# schema at head), at most SECONDS (default 60). Used by seminar-web@.service (ExecStartPost),
# so that `systemctl start/restart` returns only once the node can take traffic.
set -eu
port="$1"
seconds="${2:-60}"
i=0
while [ "$i" -lt "$seconds" ]; do
  if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/readyz"; then
    exit 0
  fi
  i=$((i + 1))
  sleep 1
done
echo "web node on port $port not ready after ${seconds}s: curl http://127.0.0.1:$port/readyz says why" >&2
exit 1
