#!/usr/bin/env bash
# A backup of the KPI tracker: the database as a pg_dump custom-format archive (pg_dump -Fc), and
# the uploaded evidence (MEDIA_ROOT) as a tar archive, into BACKUP_DIR; the newest BACKUP_KEEP
# backups are kept, older ones removed. Run daily by deploy/kpi-tracker-backup.timer.
#
#   DATABASE_URL=postgres://kpi@db/kpi_tracker BACKUP_DIR=/var/backups/kpi-tracker deploy/backup.sh
#
# Environment (deploy/env.example): DATABASE_URL (required, PostgreSQL), BACKUP_DIR (default
# /var/backups/kpi-tracker), BACKUP_KEEP (default 14), MEDIA_ROOT (optional: archived when it
# exists), PG_BIN (optional: the directory of pg_dump/pg_restore, e.g. /usr/lib/postgresql/15/bin).
# A backup is written under a temporary name, checked with pg_restore --list, then renamed: a
# failed run never leaves a half-written file among the backups and never removes an old one.
set -euo pipefail
umask 077

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not a PostgreSQL URL" >&2; exit 2 ;;
esac
backup_dir=${BACKUP_DIR:-/var/backups/kpi-tracker}
keep=${BACKUP_KEEP:-14}
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || { echo "backup.sh: BACKUP_KEEP must be a positive number" >&2; exit 2; }
pg_dump=${PG_BIN:+$PG_BIN/}pg_dump
pg_restore=${PG_BIN:+$PG_BIN/}pg_restore

mkdir -p "$backup_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dump="$backup_dir/kpi_tracker-$stamp.dump"
partial="$dump.partial"
trap 'rm -f "$partial" "$backup_dir/media-$stamp.tar.gz.partial"' EXIT

"$pg_dump" --format=custom --compress=6 --no-owner --file="$partial" --dbname="$DATABASE_URL"
"$pg_restore" --list "$partial" >/dev/null  # a readable archive, or the run fails here
mv "$partial" "$dump"

if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar -czf "$backup_dir/media-$stamp.tar.gz.partial" -C "$MEDIA_ROOT" .
  mv "$backup_dir/media-$stamp.tar.gz.partial" "$backup_dir/media-$stamp.tar.gz"
fi

# Retention: the newest $keep of each kind (the names sort by time).
for pattern in 'kpi_tracker-*.dump' 'media-*.tar.gz'; do
  find "$backup_dir" -maxdepth 1 -type f -name "$pattern" -printf '%f\n' | sort -r | tail -n +"$((keep + 1))" |
    while read -r old; do rm -f -- "$backup_dir/$old"; done
done

echo "$dump"
