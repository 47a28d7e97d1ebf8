#!/usr/bin/env bash
# Dump the database in PostgreSQL's custom format (compressed, restorable table by table)
# to $BACKUP_DIR/seminar_app-YYYYmmddTHHMMSSZ.dump, then delete dumps older than
# $BACKUP_KEEP_DAYS days. Run nightly by seminar-backup.timer; copy the folder off the
# machine (the dump holds personal data: encrypt it there, keep it no longer than needed).
#   DATABASE_URL=postgresql+psycopg://... deploy/backup.sh
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL is not set (see deploy/env.example)}"
backup_dir=${BACKUP_DIR:-/var/backups/seminar_app}
keep_days=${BACKUP_KEEP_DAYS:-14}
# pg_dump understands postgresql:// URLs, not SQLAlchemy's "+psycopg" dialect suffix.
url=${DATABASE_URL/postgresql+psycopg:/postgresql:}
url=${url/postgres:\/\//postgresql://}

mkdir -p "$backup_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$backup_dir/seminar_app-$stamp.dump"
# Written under a temporary name: a dump cut short never looks like a good one.
pg_dump --format=custom --no-owner --no-privileges --file="$target.part" "$url"
mv "$target.part" "$target"
echo "backup: wrote $target ($(du -h "$target" | cut -f1))"

find "$backup_dir" -maxdepth 1 -name 'seminar_app-*.dump' -mtime +"$keep_days" -print -delete \
  | sed 's/^/backup: deleted old /'
find "$backup_dir" -maxdepth 1 -name 'seminar_app-*.dump.part' -mmin +720 -delete
