#!/usr/bin/env bash
# Restore a dump made by backup.sh into a NEW database, then run the app's own integrity
# checks against it. Never touches the database the site runs on: to switch over, point
# DATABASE_URL at the restored database and restart the units (see deploy/README.md).
#   deploy/restore.sh /var/backups/seminar_app/seminar_app-20260101T023000Z.dump seminar_app_restored
# The server is taken from DATABASE_URL (its credentials must be allowed to CREATE DATABASE),
# or from RESTORE_SERVER_URL (postgresql://user@host:port) when set.
# Exit status: 0 restored and checked; 1 the integrity check failed; 2 usage or restore error.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 DUMP_FILE NEW_DATABASE_NAME" >&2
  exit 2
fi
dump=$1
name=$2
if [ ! -r "$dump" ]; then
  echo "restore: cannot read $dump" >&2
  exit 2
fi
if ! [[ $name =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
  echo "restore: the database name must be lower-case letters, digits and _" >&2
  exit 2
fi

server=${RESTORE_SERVER_URL:-}
if [ -z "$server" ]; then
  : "${DATABASE_URL:?DATABASE_URL or RESTORE_SERVER_URL must be set}"
  server=${DATABASE_URL/postgresql+psycopg:/postgresql:}
  server=${server%/*}
fi
here=$(cd "$(dirname "$0")/.." && pwd)

if psql "$server/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
  echo "restore: database $name exists already; choose a new name (nothing was changed)" >&2
  exit 2
fi
psql -q "$server/postgres" -c "CREATE DATABASE \"$name\""
if ! pg_restore --no-owner --no-privileges --exit-on-error --dbname="$server/$name" "$dump"; then
  echo "restore: pg_restore failed; the partial database $name is left for inspection (drop it with: dropdb $name)" >&2
  exit 2
fi
echo "restore: $dump restored into $name; checking it"

cd "$here"
flask=${FLASK:-$here/.venv/bin/flask}
# The check reads only; it runs with the production settings but against the copy.
DATABASE_URL="${server/postgresql:/postgresql+psycopg:}/$name" FLASK_APP=seminar_app "$flask" integrity check
