#!/usr/bin/env bash
# Offload mode on a points table: how fast a column goes to S3, and back, with -Xmx256m.
#
#   bench/offload.sh [--rows N] [--out FILE]
#
#   1. a table shaped like a location history's points: bigint id, user_id (20 users), a timestamptz over 30
#      days, a few small columns, raw_data jsonb of ~1 KB (2% SQL NULL, 2% JSON null), flag and ref columns
#   2. `archive` of an offload job (one object per user and day, JSONL, embedded S3) in a JVM of -Xmx256m:
#      rows/s, and MB/s of the column (its JSON text, and as PostgreSQL stored it)
#   3. `status` (the space the values took), then `restore` of everything, and the table's md5 compared with
#      the one before the offload
# Writes bench/OFFLOAD.md (or FILE). Needs psql, java 17, mvn (when target/strata.jar is missing), /usr/bin/time.
# Environment: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres); database strata_bench_offload.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$ROOT/bench/work/offload
JAR=${STRATA_JAR:-$ROOT/target/strata.jar}
ROWS=1000000
OUT=$ROOT/bench/OFFLOAD.md
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS=${2:?--rows needs a number}; shift 2 ;;
    --out) OUT=${2:?--out needs a file}; shift 2 ;;
    *) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=strata_bench_offload
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -DskipTests package)
rm -rf "$WORK" && mkdir -p "$WORK"
psql -qX -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
q() { psql -qXAt -d "$DB" -c "$1"; }

echo "generating $ROWS points ..."
t0=$(date +%s.%N)
q "CREATE TABLE points (id bigint PRIMARY KEY, user_id int NOT NULL, recorded_at timestamptz NOT NULL,
     lon double precision, lat double precision, accuracy int, raw_data jsonb,
     raw_data_archived boolean NOT NULL DEFAULT false, raw_data_archive_id bigint)"
q "INSERT INTO points (id, user_id, recorded_at, lon, lat, accuracy, raw_data)
   SELECT g, 1 + g % 20, date_trunc('day', now()) - interval '40 days' + (g::float8 / $ROWS) * interval '30 days',
          13 + g % 1000 / 1000.0, 52 + g % 997 / 997.0, g % 50,
          CASE WHEN g % 50 = 0 THEN NULL WHEN g % 50 = 1 THEN 'null'::jsonb ELSE jsonb_build_object(
            'lon', 13 + g % 1000 / 1000.0, 'lat', 52 + g % 997 / 997.0, 'acc', g % 50, 'src', 'gps', 'batt', g % 100,
            'wifi', jsonb_build_array(md5(g::text), md5((g + 1)::text), md5((g + 2)::text)),
            'raw', md5((g * 3)::text) || md5((g * 5)::text) || md5((g * 7)::text) || md5((g * 11)::text)
                || md5((g * 13)::text) || md5((g * 17)::text) || md5((g * 19)::text) || md5((g * 23)::text)
                || md5((g * 29)::text) || md5((g * 31)::text) || md5((g * 37)::text) || md5((g * 41)::text)
                || md5((g * 43)::text) || md5((g * 47)::text) || md5((g * 53)::text) || md5((g * 59)::text)
                || md5((g * 61)::text) || md5((g * 67)::text) || md5((g * 71)::text) || md5((g * 73)::text)
                || md5((g * 79)::text) || md5((g * 83)::text)) END
   FROM generate_series(1, $ROWS) g"
q "CREATE INDEX ON points (recorded_at)"
q "VACUUM ANALYZE points"
gen=$(echo "$(date +%s.%N) - $t0" | bc)
VALUES=$(q "SELECT count(*) FROM points WHERE raw_data IS NOT NULL")
TEXT_BYTES=$(q "SELECT sum(octet_length(raw_data::text)) FROM points")
STORED_BYTES=$(q "SELECT sum(pg_column_size(raw_data)) FROM points")
TABLE_BEFORE=$(q "SELECT pg_total_relation_size('points')")
MD5_BEFORE=$(q "SELECT md5(string_agg(t::text, E'\n' ORDER BY id)) FROM points t")

cat > "$WORK/strata.yaml" <<YAML
strata:
  database: { url: "jdbc:postgresql://$PGHOST:$PGPORT/$DB", user: $PGUSER }
  s3: { endpoint: embedded, bucket: archive, embedded: { dir: "$WORK/s3" } }
  tempDir: "$WORK/tmp"
  jobs:
    - name: raw-data
      table: public.points
      timestampColumn: recorded_at
      tenantColumn: user_id
      batch: P1D
      keep: P7D
      format: jsonl
      offload: { columns: [raw_data], key: id, flagColumn: raw_data_archived, refColumn: raw_data_archive_id }
YAML

strata() { /usr/bin/time -f "%e %M" -o "$WORK/time" java -Xmx256m -XX:TieredStopAtLevel=1 -jar "$JAR" --config "$WORK/strata.yaml" "$@"; }
echo "offloading ..."
strata archive > "$WORK/archive.log" 2>&1
read -r ARCHIVE_S ARCHIVE_RSS < "$WORK/time"
OFFLOADED=$(q "SELECT coalesce(sum(row_count), 0) FROM strata.manifest")
OBJECTS=$(q "SELECT count(*) FROM strata.manifest")
GZIP=$(q "SELECT sum(gzip_bytes) FROM strata.manifest")
SOURCE=$(q "SELECT sum(source_bytes) FROM strata.manifest")
DUE_TEXT=$(q "SELECT sum(raw_bytes) FROM strata.manifest")
LEFT=$(q "SELECT count(*) FROM points WHERE raw_data IS NOT NULL AND recorded_at < now() - interval '8 days'")
TABLE_AFTER=$(q "SELECT pg_total_relation_size('points')")
q "VACUUM points"
TABLE_VACUUMED=$(q "SELECT pg_total_relation_size('points')")
strata status > "$WORK/status.txt" 2>&1 || true
echo "restoring ..."
strata restore --job raw-data --from 2000-01-01 --to 2100-01-01 > "$WORK/restore.log" 2>&1
read -r RESTORE_S RESTORE_RSS < "$WORK/time"
MD5_AFTER=$(q "SELECT md5(string_agg(t::text, E'\n' ORDER BY id)) FROM points t")

rate() { echo "scale=0; $1 / $2" | bc; }
mbs() { echo "scale=1; $1 / 1048576 / $2" | bc; }
{
  echo "# Offload: a column to S3 and back"
  echo
  echo "bench/offload.sh --rows $ROWS on $(date -u +%Y-%m-%d), $(nproc) cores shared with other work;"
  echo "$(psql -qXAt -d "$DB" -c 'SHOW server_version') ; Strata in a JVM of -Xmx256m (quick compiler), embedded S3."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| Table | $ROWS points of 20 users over 30 days, $VALUES raw_data values ($(mbs "$TEXT_BYTES" 1) MB as JSON text, $(mbs "$STORED_BYTES" 1) MB as stored); $(mbs "$TABLE_BEFORE" 1) MB with TOAST and indexes (generated in ${gen%.*} s) |"
  echo "| Offload | $OFFLOADED values due (older than 7 days) in $OBJECTS objects (one per user and day), $(mbs "$DUE_TEXT" 1) MB of JSONL, $(mbs "$GZIP" 1) MB gzipped; $LEFT due values left behind |"
  echo "| Offload time | $ARCHIVE_S s: **$(rate "$OFFLOADED" "$ARCHIVE_S") rows/s, $(mbs "$DUE_TEXT" "$ARCHIVE_S") MB/s of the column as JSONL** ($(mbs "$SOURCE" "$ARCHIVE_S") MB/s as stored); peak RSS $((ARCHIVE_RSS / 1024)) MB |"
  echo "| Space | the offloaded values took $(mbs "$SOURCE" 1) MB in the table (manifest source_bytes); table $(mbs "$TABLE_BEFORE" 1) MB before, $(mbs "$TABLE_AFTER" 1) MB after the offload, $(mbs "$TABLE_VACUUMED" 1) MB after VACUUM (reusable, not returned) |"
  echo "| Restore | $RESTORE_S s: $(rate "$OFFLOADED" "$RESTORE_S") rows/s; peak RSS $((RESTORE_RSS / 1024)) MB |"
  echo "| Round trip | md5 of the whole table before the offload and after the restore: $([ "$MD5_BEFORE" = "$MD5_AFTER" ] && echo identical || echo "DIFFERENT ($MD5_BEFORE vs $MD5_AFTER)") |"
  echo
  echo '`status` after the offload:'
  echo
  echo '```'
  grep -E '^raw-data:' "$WORK/status.txt" || true
  echo '```'
} > "$OUT"
cat "$OUT"
[ "$MD5_BEFORE" = "$MD5_AFTER" ]
