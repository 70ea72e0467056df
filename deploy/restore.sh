#!/usr/bin/env bash
# Restore a backup written by deploy/backup.sh into the database DATABASE_URL names.
#
#   DATABASE_URL=postgres://kpi@db/kpi_tracker deploy/restore.sh /var/backups/kpi-tracker/kpi_tracker-….dump [--yes]
#
# The target database must exist (createdb); whatever it holds of the app's tables is replaced
# (pg_restore --clean --if-exists), in one transaction: a restore that fails changes nothing.
# Without --yes it asks before touching the database. Stop the app servers first (or put up the
# maintenance page) so that no one writes during the restore; run `manage.py migrate` afterwards
# when the code is newer than the backup. The evidence archive of the same backup
# (media-<stamp>.tar.gz) is unpacked into MEDIA_ROOT when MEDIA_ROOT is set and the archive exists.
# PG_BIN: optional directory of pg_restore.
set -euo pipefail

dump=${1:?usage: restore.sh BACKUP.dump [--yes]}
confirmed=${2:-}
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to restore into}"
[ -r "$dump" ] || { echo "restore.sh: cannot read $dump" >&2; exit 2; }
pg_restore=${PG_BIN:+$PG_BIN/}pg_restore

"$pg_restore" --list "$dump" >/dev/null || { echo "restore.sh: $dump is not a pg_dump archive" >&2; exit 2; }

if [ "$confirmed" != "--yes" ]; then
  target=$(printf '%s' "$DATABASE_URL" | sed -E 's#//[^@/]*@#//#; s#\?.*##')  # without the password
  read -r -p "Replace the data of $target with $dump? Type yes: " answer
  [ "$answer" = "yes" ] || { echo "Nothing restored."; exit 1; }
fi

"$pg_restore" --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$dump"

stamp=$(basename "$dump" .dump)
stamp=${stamp#kpi_tracker-}
media="$(dirname "$dump")/media-$stamp.tar.gz"
if [ -n "${MEDIA_ROOT:-}" ] && [ -f "$media" ]; then
  mkdir -p "$MEDIA_ROOT"
  tar -xzf "$media" -C "$MEDIA_ROOT"
  echo "Evidence restored into $MEDIA_ROOT"
fi
echo "Restored $dump"
