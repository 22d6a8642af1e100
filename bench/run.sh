#!/usr/bin/env bash
# Strata against the hand-written `COPY | gzip` script it replaces, on the local PostgreSQL, in one run.
#
#   bench/run.sh [--rows N] [--reps R] [--quick] [--only get] [--note TEXT] [--out FILE]
#
# Steps, each on freshly generated, identical data (bench/RESULTS.md says what each figure measures):
#   1. a deterministic table of N rows over 30 days, ~500 bytes per row as CSV, indexed on its timestamp
#   2. baseline archive: per hour, one REPEATABLE READ transaction: COPY … TO STDOUT | gzip, fsync, DELETE
#   3. Strata archive of the same rows: CSV and JSONL, concurrency 1 and 2, embedded S3
#   4. restore: Strata `restore` against `gunzip | COPY FROM STDIN` of the same objects
#   5. tiny partitions: Strata's fixed cost per partition
#   6. memory: one hour of millions of rows archived and restored with -Xmx256m
#   7. get: one archived row read by its key, by the command and over HTTP from the service, cold and warm
# and writes bench/RESULTS.md (--quick: bench/work/RESULTS-quick.md). Needs bash, psql, gzip, java 17,
# mvn (only when target/strata.jar is missing) and /usr/bin/time (Debian package `time`; installed
# with apt-get when missing and possible, otherwise CPU and peak RSS are reported as "-").
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$ROOT/bench/work
LOGS=$WORK/logs
JAR=${STRATA_JAR:-$ROOT/target/strata.jar}

ROWS=1000000
REPS=3
DAYS=30
TINY_WINDOWS=720
TINY_ROWS_PER_WINDOW=10
MEM_ROWS=2000000
MEM_XMX=256m
GET_ROWS=200000   # the get case's table: one day of rows, 24 hourly objects
GET_KEYS=7        # keys looked up, each in another object (the median is reported)
ARCHIVE_RUNS="jsonl:1 jsonl:2 csv:1 csv:2:jit csv:2"   # format:concurrency[:jit]; csv:2 last, its objects are restored
TINY_RUNS="1:cold 1:warm 2:cold 2:warm"     # concurrency:JVM
WARM_RUNS="csv:2 jsonl:2"                   # the same, in a warm JVM (the service)
QUICK=0
ONLY=""
NOTE=""
OUT=""
ROWS_SET=0
TINY_SET=0
MEM_SET=0

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
  cat <<'EOF'
Options:
  --rows N      rows in the main table (default 1000000)
  --reps R      repetitions of each timed case (default 3; the median is reported)
  --quick       smoke run, well under a minute: 20000 rows over 2 days, 1 repetition, small cases
  --tiny-windows W   partitions in the fixed-cost case (default 720)
  --memory-rows M    rows in the one-hour memory case (default 2000000)
  --only get    only the get case (7), its section written to --out (default bench/work/RESULTS-get.md)
  --note TEXT   a line for RESULTS.md (e.g. that the machine was shared)
  --out FILE    where to write the results (default bench/RESULTS.md, or bench/work/RESULTS-quick.md)
Environment: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), PGPASSWORD; database strata_bench
(STRATA_BENCH_DB names another).
STRATA_JAR benchmarks another build than target/strata.jar.
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS=${2:?--rows needs a number}; ROWS_SET=1; shift 2 ;;
    --reps) REPS=${2:?--reps needs a number}; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --only) ONLY=${2:?--only needs a case}; [ "$ONLY" = get ] || { echo "bench: --only takes get" >&2; exit 2; }; shift 2 ;;
    --tiny-windows) TINY_WINDOWS=${2:?--tiny-windows needs a number}; TINY_SET=1; shift 2 ;;
    --memory-rows) MEM_ROWS=${2:?--memory-rows needs a number}; MEM_SET=1; shift 2 ;;
    --note) NOTE=${2:?--note needs a text}; shift 2 ;;
    --out) OUT=${2:?--out needs a file}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if [ "$QUICK" = 1 ]; then
  [ "$ROWS_SET" = 1 ] || ROWS=20000
  REPS=1
  DAYS=2
  [ "$TINY_SET" = 1 ] || TINY_WINDOWS=24
  [ "$MEM_SET" = 1 ] || MEM_ROWS=20000
  GET_ROWS=10000
  GET_KEYS=3
  ARCHIVE_RUNS="jsonl:2 csv:2"
  TINY_RUNS=1:warm
  WARM_RUNS=""
fi
for n in "$ROWS" "$REPS" "$TINY_WINDOWS" "$MEM_ROWS"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "bench: numbers must be positive whole numbers" >&2; exit 2; }
done
[ -n "$OUT" ] || [ -z "$ONLY" ] || OUT=$WORK/RESULTS-$ONLY.md
[ -n "$OUT" ] || { [ "$QUICK" = 1 ] && OUT=$WORK/RESULTS-quick.md || OUT=$ROOT/bench/RESULTS.md; }

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGDATABASE=${STRATA_BENCH_DB:-strata_bench}
DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE"
GZIP_LEVEL=1   # strata.gzipLevel's default; the baseline uses the same level

# --- helpers -------------------------------------------------------------------------------------

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }
trap 'say "FAILED at line $LINENO (logs in $LOGS)"' ERR
num() { awk -v n="$1" 'BEGIN { s = sprintf("%d", n); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); print s }'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }           # one value out, no noise
sqlrun() { psql -X -q -v ON_ERROR_STOP=1 "$@" >>"$LOGS/sql.log" 2>&1 || die "psql failed; see $LOGS/sql.log"; }
# A number or string field of the summary `archive --json` prints, for one job (default: the first).
json_field() { # key file [job]
  awk -v k="\"$1\"" -v j="${3:-}" '
    $1 == "\"job\"" { gsub(/[",]/, "", $3); on = (j == "" || $3 == j) }
    on && $1 == k { v = $3; gsub(/[",]/, "", v); print v; exit }' "$2"
}

# One line per measurement: case, repetition, wall seconds, rows, in-process ms, extra, CPU seconds of
# the Strata process ("-" where a field does not apply).
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:--}" "${5:--}" "${6:--}" "${7:--}" >>"$WORK/results.tsv"; }

# --- preparation ---------------------------------------------------------------------------------

. "$ROOT/bench/common.sh"
if java -jar "$JAR" help 2>/dev/null | grep -q '^ *restore'; then HAS_RESTORE=1; else HAS_RESTORE=0; fi
if java -jar "$JAR" help 2>/dev/null | grep -q '^ *get '; then HAS_GET=1; else HAS_GET=0; fi

if [ "$(PGDATABASE=postgres q -c "SELECT count(*) FROM pg_database WHERE datname = '$PGDATABASE'")" = 0 ]; then
  say "creating database $PGDATABASE"
  PGDATABASE=postgres sqlrun -c "CREATE DATABASE \"$PGDATABASE\""
fi

# The fixed cutoff: every row older than CUTOFF is due, for the baseline and for Strata alike. Data
# spans DAYS days ending one day after it, so all but the newest day is archived.
CUTOFF=$(q -c "SELECT to_char(date_trunc('hour', now() AT TIME ZONE 'UTC') - interval '1 day', 'YYYY-MM-DD HH24:MI:SS')")
CUTOFF_EPOCH=$(q -c "SELECT extract(epoch FROM timestamp '$CUTOFF')::bigint")
NEWEST="timestamp '$CUTOFF' + interval '1 day'"
say "rows $ROWS over $DAYS days, cutoff $CUTOFF UTC, $REPS repetition(s), restore: $([ $HAS_RESTORE = 1 ] && echo yes || echo 'not in this build')"

# Rows of the shape of an app's analytics.events: tenants, names, devices, and JSONB with quotes,
# backslashes, escaped newlines and tabs, and non-ASCII text. Row g is (g + 0.5) steps before
# `newest`; the same arguments always give the same rows.
sqlrun <<'SQL'
CREATE SCHEMA IF NOT EXISTS bench;
CREATE OR REPLACE FUNCTION bench.event_rows(n bigint, newest timestamp, step interval)
RETURNS TABLE (id bigint, tenant_id integer, triggered_at timestamp, name text, os text, platform text,
               device text, user_details jsonb, data jsonb)
LANGUAGE sql STABLE AS $$
SELECT g,
       (1 + (g * 7) % 6)::integer,
       newest - (g + 0.5) * step,
       (ARRAY['page_view', 'click', 'signup', 'purchase', 'logout', 'search'])[1 + g % 6],
       (ARRAY['Linux', 'macOS', 'Windows', 'iOS', 'Android'])[1 + (g * 7) % 5],
       (ARRAY['Web', 'Mobile'])[1 + g % 2],
       (ARRAY['Desktop', 'Phone', 'Tablet'])[1 + (g * 3) % 3],
       jsonb_build_object(
           'user_id', 1000 + (g * 7919) % 50000,
           'email', 'user' || (g * 7919) % 50000 || '@example.org',
           'name', (ARRAY['Zoë Müller', 'Łukasz Wróbel', 'José "Pepe" Núñez', 'Søren Ødegård', '李小龍',
                          'O''Brien, Seán'])[1 + g % 6],
           'location', (ARRAY['Berlin', 'São Paulo', 'Zürich', 'Kraków', '東京', 'Reykjavík'])[1 + (g * 5) % 6],
           'locale', (ARRAY['de-DE', 'pt-BR', 'de-CH', 'pl-PL', 'ja-JP', 'is-IS'])[1 + (g * 5) % 6]),
       jsonb_build_object(
           'action', (ARRAY['click', 'view', 'scroll', 'submit'])[1 + g % 4],
           'item', 'sku-' || (g * 104729) % 100000,
           'price', round(((g % 9973) * 1.37)::numeric, 2),
           'session', md5(g::text),
           'referrer', 'https://www.example.com/search?q='
                       || (ARRAY['shoes', 'café', 'naïve+art', 'C:\temp'])[1 + g % 4] || '&page=' || g % 7,
           'screen', jsonb_build_object('w', (ARRAY[1920, 1440, 390, 768])[1 + g % 4],
                                        'h', (ARRAY[1080, 900, 844, 1024])[1 + g % 4]),
           'tags', jsonb_build_array('t' || g % 13, 't' || g % 17),
           'note', CASE g % 4 WHEN 0 THEN E'says "hi"\nand leaves \\ a backslash'
                              WHEN 1 THEN 'naïve café — ünïcødé ✓'
                              WHEN 2 THEN E'tab\there, quote '' and "double"' END)
FROM generate_series(n - 1, 0, -1) AS g
$$;
SQL

# (Re)creates TABLE from bench.event_rows, oldest row first as an append-only table would hold
# them, indexes it, and leaves it vacuumed and checkpointed: every case starts from the same state.
make_table() { # table n newest step
  local t=$1
  sqlrun <<SQL
DROP TABLE IF EXISTS $t;
CREATE TABLE $t (
    id           bigint       NOT NULL,
    tenant_id    integer      NOT NULL,
    triggered_at timestamp    NOT NULL,
    name         varchar(255) NOT NULL,
    os           varchar(255) NOT NULL,
    platform     varchar(255) NOT NULL,
    device       varchar(255) NOT NULL,
    user_details jsonb        NOT NULL,
    data         jsonb        NOT NULL
);
INSERT INTO $t SELECT * FROM bench.event_rows($2, $3, $4);
ALTER TABLE $t ADD PRIMARY KEY (id);
CREATE INDEX ON $t (triggered_at);
VACUUM (ANALYZE) $t;
CHECKPOINT;
SQL
}

if [ -z "$ONLY" ]; then
# The main table, copied from a source generated once (generating is slower than copying).
STEP_MAIN="interval '$((DAYS * 86400)) seconds' / $ROWS"
say "generating bench.events_src"
make_table bench.events_src "$ROWS" "$NEWEST" "$STEP_MAIN"
DUE_ROWS=$(q -c "SELECT count(*) FROM bench.events_src WHERE triggered_at < timestamp '$CUTOFF'")
fi
reset_events() {
  sqlrun <<SQL
DROP TABLE IF EXISTS bench.events;
CREATE TABLE bench.events (LIKE bench.events_src);
INSERT INTO bench.events SELECT * FROM bench.events_src;
ALTER TABLE bench.events ADD PRIMARY KEY (id);
CREATE INDEX events_triggered_at_idx ON bench.events (triggered_at);
VACUUM (ANALYZE) bench.events;
CHECKPOINT;
SQL
}

# Strata's own tables and objects from earlier cases go, so that every case starts empty.
reset_strata() {
  rm -rf "$WORK/s3" "$WORK/tmp"
  mkdir -p "$WORK/s3" "$WORK/tmp"
  if [ "$(q -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'strata'")" = 1 ]; then
    sqlrun -c "TRUNCATE strata.manifest, strata.run CASCADE"
  fi
}

# A config with the one job a case runs. keep is the age of the cutoff right now, in seconds, so
# Strata's due windows are exactly those before CUTOFF (as long as it starts within the hour).
write_config() { # file job table format concurrency
  local keep=$(( $(date +%s) - CUTOFF_EPOCH ))
  cat >"$1" <<YAML
strata:
  database:
    url: "$DB_URL"
    user: "$PGUSER"
    password: "{{env:PGPASSWORD:}}"
  s3:
    bucket: archive
    endpoint: embedded
    embedded:
      dir: "$WORK/s3"
  tempDir: "$WORK/tmp"
  gzipLevel: ${LEVEL:-$GZIP_LEVEL}
  jobs:
YAML
  # A warm JVM, as in the long-running service: two jobs, each over a fifth of the same rows, run
  # first in the same process, and the measured job's own run time is the figure.
  if [ "${WARM:-0}" = 1 ]; then
    job_yaml warmup1 "${3}_warm1" "$4" "$5" "$keep" >>"$1"
    job_yaml warmup2 "${3}_warm2" "$4" "$5" "$keep" >>"$1"
  fi
  job_yaml "$2" "$3" "$4" "$5" "$keep" >>"$1"
}

job_yaml() { # name table format concurrency keep-seconds
  cat <<YAML
    - name: $1
      table: $2
      timestampColumn: triggered_at
      keep: PT${5}S
      batch: PT1H
      format: $3
      concurrency: $4
YAML
}

# The warm-up tables of a case run with WARM=1: each holds every fifth row of the measured one, over the
# same windows.
make_warm_copy() { # table
  local i
  for i in 1 2; do
    sqlrun <<SQL
DROP TABLE IF EXISTS ${1}_warm$i;
CREATE TABLE ${1}_warm$i AS SELECT * FROM $1 WHERE id % 5 = $((i - 1));
CREATE INDEX ON ${1}_warm$i (triggered_at);
VACUUM (ANALYZE) ${1}_warm$i;
SQL
  done
  sqlrun -c "CHECKPOINT"
}

# Runs a command under /usr/bin/time (when there is one); sets CPU (user + sys seconds) and RSS (MB).
timed_java() { # timefile command...
  local tf=$1
  shift
  CPU=- RSS=-
  if [ -n "$TIME_BIN" ]; then
    "$TIME_BIN" -o "$tf" -f '%U %S %M' "$@" || return 1
    read -r CPU RSS <<<"$(tail -1 "$tf" | awk '{ printf "%.2f %d", $1 + $2, $3 / 1024 }')"
  else
    "$@"
  fi
}

# Strata runs through bin/strata, as operators run it: `env "${STRATA[@]}" ARGS...`, with the java options
# given. One-shot commands get the quick JIT there; JIT=full (the service's JIT, also for WARM=1 runs,
# which stand for the service) gives the JVM's default, as `java -jar` would.
strata_launcher() { # [java options...] -> sets STRATA
  local opts=("$@")
  { [ "${JIT:-}" = full ] || [ "${WARM:-0}" = 1 ]; } && opts+=(-XX:TieredStopAtLevel=4)
  STRATA=("STRATA_JAR=$JAR" "STRATA_JAVA_OPTS=${opts[*]}" "$ROOT/bin/strata")
}

# Runs Strata's archive of one job; sets WALL, CPU, RSS, STRATA_ROWS, STRATA_MS, RAW_BYTES, GZIP_BYTES, PARTS.
strata_archive() { # label job table format concurrency [java options...]
  local label=$1 job=$2 table=$3 format=$4 conc=$5
  shift 5
  local cfg=$WORK/conf/$label.yaml out=$LOGS/$label.json log=$LOGS/$label.log t0 t1 only=(--job "$job")
  [ "${WARM:-0}" = 1 ] && { make_warm_copy "$table"; only=(); }
  write_config "$cfg" "$job" "$table" "$format" "$conc"
  t0=$(now)
  strata_launcher "$@"
  if ! timed_java "$LOGS/$label.time" env "${STRATA[@]}" --config "$cfg" archive "${only[@]}" --json >"$out" 2>"$log"; then
    die "$label: strata archive failed; see $log"
  fi
  t1=$(now)
  WALL=$(elapsed "$t0" "$t1")
  [ "$(json_field status "$out" "$job")" = succeeded ] || die "$label: run status is not succeeded; see $out"
  STRATA_ROWS=$(json_field rows "$out" "$job")
  STRATA_MS=$(json_field millis "$out" "$job")
  RAW_BYTES=$(json_field rawBytes "$out" "$job")
  GZIP_BYTES=$(json_field gzipBytes "$out" "$job")
  PARTS=$(json_field archived "$out" "$job")
  [ "${WARM:-0}" = 1 ] && sqlrun -c "DROP TABLE IF EXISTS ${table}_warm1, ${table}_warm2"
  return 0
}

# The rows left before the cutoff must be none, and the rows archived must be the rows that were due.
check_archived() { # label table expected archived
  local left
  left=$(q -c "SELECT count(*) FROM $2 WHERE triggered_at < timestamp '$CUTOFF'")
  [ "$left" = 0 ] || die "$1: $left due rows are still in $2"
  [ "$4" = "$3" ] || die "$1: archived $4 rows, but $3 were due"
}

# Builds the baseline's psql script: one block per whole hour from the oldest row up to the cutoff.
baseline_script() { # table dir script
  local first
  first=$(q -c "SELECT to_char(date_trunc('hour', min(triggered_at)), 'YYYY-MM-DD HH24:MI:SS') FROM $1")
  q >"$3" <<SQL
SELECT format(E'BEGIN ISOLATION LEVEL REPEATABLE READ;\n'
    'COPY (SELECT * FROM %1\$s WHERE triggered_at >= %2\$L AND triggered_at < %3\$L) TO STDOUT (FORMAT csv, HEADER)'
    ' \\\\g |gzip -$GZIP_LEVEL > %4\$s && sync %4\$s\n'
    'DELETE FROM %1\$s WHERE triggered_at >= %2\$L AND triggered_at < %3\$L;\n'
    'COMMIT;',
    '$1', h, h + interval '1 hour', '$2/' || to_char(h, 'YYYYMMDDHH24') || '.csv.gz')
FROM generate_series(timestamp '$first', timestamp '$CUTOFF' - interval '1 hour', interval '1 hour') AS h;
SQL
}

# Runs the hand-written script in one psql session; sets WALL and BASE_ROWS.
baseline_archive() { # label table
  local label=$1 script=$WORK/conf/$1.sql before t0 t1
  rm -rf "$WORK/baseline"; mkdir -p "$WORK/baseline"
  baseline_script "$2" "$WORK/baseline" "$script"
  before=$(q -c "SELECT count(*) FROM $2 WHERE triggered_at < timestamp '$CUTOFF'")
  t0=$(now)
  psql -X -q -v ON_ERROR_STOP=1 -f "$script" >"$LOGS/$label.log" 2>&1 || die "$label: psql failed; see $LOGS/$label.log"
  t1=$(now)
  WALL=$(elapsed "$t0" "$t1")
  BASE_ROWS=$before
  sync
}


# Restore: Strata's `restore` of the job's objects into an empty copy of the table, against the
# same objects loaded by `gunzip | COPY FROM STDIN` in one psql session. Sets WALL.
empty_copy() { # table like
  sqlrun <<SQL
DROP TABLE IF EXISTS $1;
CREATE TABLE $1 (LIKE $2 INCLUDING ALL);
CHECKPOINT;
SQL
}

strata_restore() { # label job table into [java options...]
  local label=$1 job=$2 table=$3 into=$4 from to t0 t1
  shift 4
  local cfg=$WORK/conf/$label.yaml log=$LOGS/$label.log
  write_config "$cfg" "$job" "$table" csv 2
  from=$(q -c "SELECT to_char(timestamp '$CUTOFF' - interval '$DAYS days', 'YYYY-MM-DD')")
  to=$(q -c "SELECT to_char(timestamp '$CUTOFF' + interval '1 day', 'YYYY-MM-DD')")
  t0=$(now)
  strata_launcher "$@"
  if ! timed_java "$LOGS/$label.time" env "${STRATA[@]}" --config "$cfg" restore --job "$job" --from "$from" \
      --to "$to" --into "$into" --json >"$LOGS/$label.json" 2>"$log"; then
    die "$label: strata restore failed; see $log"
  fi
  t1=$(now)
  WALL=$(elapsed "$t0" "$t1")
}

baseline_restore() { # label into
  local label=$1 script=$WORK/conf/$1.sql t0 t1 f
  : >"$script"
  while IFS= read -r f; do
    printf "\\\\copy %s FROM PROGRAM 'gunzip -c %s' (FORMAT csv, HEADER)\n" "$2" "$f" >>"$script"
  done < <(find "$WORK/s3/archive" -type f -name '*.csv.gz' | sort)
  t0=$(now)
  psql -X -q -v ON_ERROR_STOP=1 -f "$script" >"$LOGS/$label.log" 2>&1 || die "$label: psql failed; see $LOGS/$label.log"
  t1=$(now)
  WALL=$(elapsed "$t0" "$t1")
}

check_restored() { # label table expected
  local n
  n=$(q -c "SELECT count(*) FROM $2")
  [ "$n" = "$3" ] || die "$1: $2 holds $n rows after the restore, $3 were archived"
}

# bin/strata records its class archive (target/strata.jsa) on the first one-shot command after a build.
# A small archive run does that here, so that every measured run starts as an operator's runs do.
say "a first bin/strata run (records its class archive when the jar is new)"
make_table bench.prime 2000 "timestamp '$CUTOFF'" "interval '1 minute'"
reset_strata
strata_archive prime prime bench.prime csv 2
sqlrun -c "DROP TABLE bench.prime"

if [ -z "$ONLY" ]; then
# --- 2, 3, 4: archive (baseline against Strata) and restore ----------------------------------------

for rep in $(seq 1 "$REPS"); do
  say "rep $rep/$REPS: baseline archive (COPY | gzip -$GZIP_LEVEL, fsync, DELETE per hour)"
  reset_events
  baseline_archive "baseline-$rep" bench.events
  check_archived "baseline-$rep" bench.events "$DUE_ROWS" "$BASE_ROWS"
  record archive.baseline "$rep" "$WALL" "$BASE_ROWS" - -

  for run in $ARCHIVE_RUNS; do
    IFS=: read -r format conc jit <<<"$run"
    label=strata-$format-c$conc${jit:+-$jit}-$rep
    say "rep $rep/$REPS: Strata archive, $format, concurrency $conc${jit:+, default JIT of the JVM}"
    reset_events
    reset_strata
    JIT=${jit:+full} strata_archive "$label" events bench.events "$format" "$conc"
    check_archived "$label" bench.events "$DUE_ROWS" "$STRATA_ROWS"
    [ "$STRATA_ROWS" = "$BASE_ROWS" ] || die "$label: Strata archived $STRATA_ROWS rows, the baseline $BASE_ROWS"
    record "archive.$format.c$conc${jit:+.$jit}" "$rep" "$WALL" "$STRATA_ROWS" "$STRATA_MS" "$RAW_BYTES/$GZIP_BYTES/$PARTS" "$CPU"
  done
  # The CSV objects of the last run stay in the embedded S3 for the restore.
  if [ "$HAS_RESTORE" = 1 ]; then
    say "rep $rep/$REPS: Strata restore"
    empty_copy bench.events_restore bench.events_src
    strata_restore "strata-restore-$rep" events bench.events bench.events_restore
    check_restored "strata-restore-$rep" bench.events_restore "$DUE_ROWS"
    record restore.strata "$rep" "$WALL" "$DUE_ROWS" - - "$CPU"
    say "rep $rep/$REPS: baseline restore (gunzip | COPY FROM STDIN)"
    empty_copy bench.events_restore bench.events_src
    baseline_restore "baseline-restore-$rep" bench.events_restore
    check_restored "baseline-restore-$rep" bench.events_restore "$DUE_ROWS"
    record restore.baseline "$rep" "$WALL" "$DUE_ROWS" - -
  fi
  # The long-running service: the same archive in a warm JVM (see write_config).
  for run in $WARM_RUNS; do
    IFS=: read -r format conc _ <<<"$run"
    label=strata-$format-c$conc-warm-$rep
    say "rep $rep/$REPS: Strata archive, $format, concurrency $conc, warm JVM"
    reset_events
    reset_strata
    WARM=1 strata_archive "$label" events bench.events "$format" "$conc"
    check_archived "$label" bench.events "$DUE_ROWS" "$STRATA_ROWS"
    # (no CPU figure: the process's CPU includes the warm-up jobs)
    record "archive.$format.c$conc.warm" "$rep" "$(awk -v ms="$STRATA_MS" 'BEGIN { printf "%.3f", ms / 1000 }')" \
      "$STRATA_ROWS" "$STRATA_MS" "$RAW_BYTES/$GZIP_BYTES/$PARTS"
  done
  # The gzip level: the same CSV archive at level 6, for its CPU and object sizes.
  if [ "$QUICK" = 0 ]; then
    say "rep $rep/$REPS: Strata archive, csv, concurrency 2, gzip level 6"
    reset_events
    reset_strata
    LEVEL=6 strata_archive "strata-csv-c2-gzip6-$rep" events bench.events csv 2
    check_archived "strata-csv-c2-gzip6-$rep" bench.events "$DUE_ROWS" "$STRATA_ROWS"
    record archive.csv.c2.gzip6 "$rep" "$WALL" "$STRATA_ROWS" "$STRATA_MS" "$RAW_BYTES/$GZIP_BYTES/$PARTS" "$CPU"
  fi
done
sqlrun -c "DROP TABLE IF EXISTS bench.events_restore"

# --- 5: tiny partitions ----------------------------------------------------------------------------
# TINY_WINDOWS due hours of TINY_ROWS_PER_WINDOW rows each, plus one hour that is not due.

TINY_ROWS=$(( (TINY_WINDOWS + 1) * TINY_ROWS_PER_WINDOW ))
TINY_DUE=$(( TINY_WINDOWS * TINY_ROWS_PER_WINDOW ))
TINY_STEP="interval '$(( 3600 / TINY_ROWS_PER_WINDOW )) seconds'"
for rep in $(seq 1 "$REPS"); do
  say "rep $rep/$REPS: tiny partitions, baseline"
  make_table bench.tiny "$TINY_ROWS" "timestamp '$CUTOFF' + interval '1 hour'" "$TINY_STEP"
  baseline_archive "tiny-baseline-$rep" bench.tiny
  check_archived "tiny-baseline-$rep" bench.tiny "$TINY_DUE" "$BASE_ROWS"
  record tiny.baseline "$rep" "$WALL" "$BASE_ROWS" - "$TINY_WINDOWS"
  record tinyper.baseline "$rep" "$(awk -v w="$WALL" -v n="$TINY_WINDOWS" 'BEGIN { printf "%.2f", w * 1000 / n }')"
  for run in $TINY_RUNS; do
    conc=${run%:*} mode=${run#*:} suffix=
    [ "$mode" = warm ] && suffix=.warm
    label=tiny-c$conc${suffix/./-}-$rep
    say "rep $rep/$REPS: tiny partitions, Strata, concurrency $conc, $mode JVM"
    make_table bench.tiny "$TINY_ROWS" "timestamp '$CUTOFF' + interval '1 hour'" "$TINY_STEP"
    reset_strata
    WARM=$([ "$mode" = warm ] && echo 1 || echo 0) strata_archive "$label" tiny bench.tiny csv "$conc"
    check_archived "$label" bench.tiny "$TINY_DUE" "$STRATA_ROWS"
    [ "$PARTS" = "$TINY_WINDOWS" ] || die "$label: $PARTS objects, expected $TINY_WINDOWS"
    [ "$mode" = warm ] && WALL=$(awk -v ms="$STRATA_MS" 'BEGIN { printf "%.3f", ms / 1000 }')
    record "tiny.c$conc$suffix" "$rep" "$WALL" "$STRATA_ROWS" "$STRATA_MS" "$PARTS"
    record "tinyper.c$conc$suffix" "$rep" "$(awk -v ms="$STRATA_MS" -v n="$PARTS" 'BEGIN { printf "%.2f", ms / n }')"
  done
done
sqlrun -c "DROP TABLE IF EXISTS bench.tiny"

# --- 6: memory: one hour of MEM_ROWS rows with -Xmx256m ----------------------------------------------

# Peak heap from the GC log: the largest occupancy before a collection, and after one (the live data).
peak_heap() { # gc-log -> "before:after" in MB, or "-" when no collection ran
  grep -o '[0-9]*M->[0-9]*M([0-9]*M)' "$1" 2>/dev/null | tr -d 'M' | tr '>(' '  ' |
    awk '{ split($1, a, "-"); if (a[1] + 0 > b) b = a[1] + 0; if ($2 + 0 > l) l = $2 + 0 } END { print (NR ? b ":" l : "-") }'
}

say "memory: generating one hour of $MEM_ROWS rows"
make_table bench.big "$MEM_ROWS" "timestamp '$CUTOFF' - interval '1 hour'" "interval '3600 seconds' / $MEM_ROWS"
reset_strata
say "memory: Strata archive with -Xmx$MEM_XMX"
strata_archive memory-archive big bench.big csv 2 -Xmx$MEM_XMX -Xlog:gc:file="$LOGS/memory-archive-gc.log"
check_archived memory-archive bench.big "$MEM_ROWS" "$STRATA_ROWS"
record memory.archive 1 "$WALL" "$MEM_ROWS" "$STRATA_MS" "$RSS/$(peak_heap "$LOGS/memory-archive-gc.log")/$RAW_BYTES/$GZIP_BYTES" "$CPU"
if [ "$HAS_RESTORE" = 1 ]; then
  say "memory: Strata restore with -Xmx$MEM_XMX"
  empty_copy bench.big_restore bench.big
  strata_restore memory-restore big bench.big bench.big_restore -Xmx$MEM_XMX -Xlog:gc:file="$LOGS/memory-restore-gc.log"
  check_restored memory-restore bench.big_restore "$MEM_ROWS"
  record memory.restore 1 "$WALL" "$MEM_ROWS" - "$RSS/$(peak_heap "$LOGS/memory-restore-gc.log")" "$CPU"
  sqlrun -c "DROP TABLE IF EXISTS bench.big_restore"
fi
sqlrun -c "DROP TABLE IF EXISTS bench.big"
reset_strata
fi

# --- 7: get: one archived row by its key --------------------------------------------------------------
# GET_ROWS rows over the day before the cutoff, archived as 24 hourly CSV objects; then GET_KEYS keys, each in
# another object, looked up by `bin/strata get` (a one-shot command: JVM start included, no cache, so every
# run downloads its object; "warm" is the same key again) and over HTTP from the service (`run`): cold is the
# first look-up of an object (downloaded), warm a second key of the same object (from the cache).

ms_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }
if [ "$HAS_GET" = 1 ]; then
  say "get: archiving $GET_ROWS rows into 24 objects"
  make_table bench.lookup "$GET_ROWS" "timestamp '$CUTOFF'" "interval '1 day' / $GET_ROWS"
  strata_archive get-archive lookup bench.lookup csv 2
  GET_CFG=$WORK/conf/get.yaml
  GET_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18778)
  write_config "$GET_CFG" lookup bench.lookup csv 2
  printf '  management:\n    jolokiaPort: %s\n' "$GET_PORT" >>"$GET_CFG"
  strata_launcher
  for i in $(seq 1 "$GET_KEYS"); do
    key=$(( (i - 1) * GET_ROWS / GET_KEYS + 7 ))
    t0=$(now)
    env "${STRATA[@]}" --config "$GET_CFG" get --job lookup --key "$key" --json >"$LOGS/get-cmd-$i.json" 2>>"$LOGS/get.log" \
      || die "get: bin/strata get --key $key failed; see $LOGS/get.log"
    record get.cmd.cold "$i" "$(ms_since "$t0")" 1 "$(json_field millis "$LOGS/get-cmd-$i.json")"
    t0=$(now)
    env "${STRATA[@]}" --config "$GET_CFG" get --job lookup --key "$key" --json >"$LOGS/get-cmd-$i-again.json" 2>>"$LOGS/get.log" \
      || die "get: bin/strata get --key $key failed; see $LOGS/get.log"
    record get.cmd.warm "$i" "$(ms_since "$t0")" 1 "$(json_field millis "$LOGS/get-cmd-$i-again.json")"
  done
  say "get: over HTTP from the service on port $GET_PORT"
  STRATA_JAR=$JAR "$ROOT/bin/strata" --config "$GET_CFG" run >"$LOGS/get-service.log" 2>&1 &
  SERVICE_PID=$!
  trap 'kill -TERM "$SERVICE_PID" 2>/dev/null || true' EXIT   # a failed case stops the service too
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$GET_PORT/observe/health" && break
    kill -0 "$SERVICE_PID" 2>/dev/null || die "get: the service ended; see $LOGS/get-service.log"
    sleep 0.1
  done
  URL=http://127.0.0.1:$GET_PORT/strata/jobs/lookup/rows
  # The rows' endpoint answers once the console is up (just after health); that first look-up, of a key in another
  # object than those measured, is not a look-up's cost but the JVM's first request.
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null "$URL/$(( GET_ROWS - 1 ))" && break
    sleep 0.1
  done
  for i in $(seq 1 "$GET_KEYS"); do
    key=$(( (i - 1) * GET_ROWS / GET_KEYS + 7 ))
    t=$(curl -sf -o "$LOGS/get-http-$i.json" -w '%{time_total}' "$URL/$key") || die "get: GET $URL/$key failed"
    record get.http.cold "$i" "$(awk -v t="$t" 'BEGIN { printf "%.1f", t * 1000 }')" 1 - "$(json_field downloaded "$LOGS/get-http-$i.json")"
    t=$(curl -sf -o "$LOGS/get-http-$i-warm.json" -w '%{time_total}' "$URL/$((key + 1))") || die "get: GET $URL/$((key + 1)) failed"
    record get.http.warm "$i" "$(awk -v t="$t" 'BEGIN { printf "%.1f", t * 1000 }')" 1 - "$(json_field downloaded "$LOGS/get-http-$i-warm.json")"
  done
  kill -TERM "$SERVICE_PID" 2>/dev/null || true
  wait "$SERVICE_PID" 2>/dev/null || true
  trap - EXIT
  GET_OBJECT_BYTES=$(q -c "SELECT round(avg(raw_bytes)) || '/' || round(avg(gzip_bytes)) || '/' || round(avg(row_count)) FROM strata.manifest WHERE job = 'lookup'")
  sqlrun -c "DROP TABLE IF EXISTS bench.lookup"
  reset_strata
fi
# The generated tables go (about 1 GB for a million rows); the generator function stays.
sqlrun -c "DROP TABLE IF EXISTS bench.events, bench.events_src, bench.events_warm1, bench.events_warm2, bench.tiny,
  bench.tiny_warm1, bench.tiny_warm2"
END_EPOCH=$(date +%s)
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- results ---------------------------------------------------------------------------------------

TSV=$WORK/results.tsv
median_of() { # values on stdin -> "median min max n"
  sort -g | awk '{ v[NR] = $1 } END { if (!NR) { print "- - - 0"; exit }
                   m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR], NR }'
}
stat() { awk -F'\t' -v c="$1" -v k="$2" '$1 == c && $k != "-" { print $k }' "$TSV" | median_of; }  # case col
# The per-repetition ratio of the times (column 3) of a case and its baseline: "median min max n".
ratio() { # case base
  awk -F'\t' -v c="$1" -v b="$2" '$1 == b { base[$2] = $3 } $1 == c { v[$2] = $3 }
      END { for (r in v) if (r in base && base[r] > 0) print v[r] / base[r] }' "$TSV" | median_of
}
field() { awk -F'\t' -v c="$1" -v k="$2" '$1 == c { print $k; exit }' "$TSV"; }
fmt() { awk -v x="$1" -v d="${2:-2}" 'BEGIN { if (x == "-" || x == "") print "-"; else printf "%." d "f", x }'; }
fmt_range() { # median min max [decimals] -> "m (min–max)"
  [ "$1" = - ] && { echo -; return; }
  awk -v m="$1" -v a="$2" -v b="$3" -v d="${4:-2}" 'BEGIN { f = "%." d "f"; printf f " (" f "–" f ")", m, a, b }'
}
per_sec() { awk -v n="$1" -v s="$2" 'BEGIN { if (s == "-" || s <= 0) print "-"; else printf "%.0f", n / s }'; }
mb_per_sec() { awk -v n="$1" -v s="$2" 'BEGIN { if (s == "-" || n == "" || s <= 0) print "-"; else printf "%.1f", n / 1e6 / s }'; }
mb() { awk -v b="$1" 'BEGIN { if (b == "") print "-"; else printf "%.0f", b / 1e6 }'; }
verdict() { # value unit limit -> "value: met" / "value: missed" / "-"
  awk -v v="$1" -v u="$2" -v l="$3" 'BEGIN { if (v == "-" || v == "") print "-"; else print v u ": " (v <= l ? "met" : "**missed**") }'
}
ratio_cell() { local m a b n; read -r m a b n <<<"$(ratio "$1" "$2")"; fmt_range "$m" "$a" "$b"; }
ratio_median() { local m; read -r m _ _ _ <<<"$(ratio "$1" "$2")"; fmt "$m"; }

CSV_RAW=$(field archive.csv.c2 6 | cut -d/ -f1)
CSV_GZ=$(field archive.csv.c2 6 | cut -d/ -f2)
JSONL_RAW=$(field archive.jsonl.c2 6 | cut -d/ -f1)
JSONL_GZ=$(field archive.jsonl.c2 6 | cut -d/ -f2)
OBJECTS=$(field archive.csv.c2 6 | cut -d/ -f3)

archive_row() { # case label
  local m a b n inproc cpu
  [ -n "$(field "$1" 3)" ] || return 0
  read -r m a b n <<<"$(stat "$1" 3)"
  read -r inproc _ _ _ <<<"$(stat "$1" 5)"
  read -r cpu _ _ _ <<<"$(stat "$1" 7)"
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$(fmt_range "$m" "$a" "$b")" \
    "$([ "$inproc" = - ] && echo - || fmt "$(awk -v x="$inproc" 'BEGIN { print x / 1000 }')")" "$(fmt "$cpu" 1)" \
    "$(per_sec "$DUE_ROWS" "$m")" "$(mb_per_sec "$CSV_RAW" "$m")" \
    "$([ "$1" = archive.baseline ] && echo - || ratio_cell "$1" archive.baseline)"
}

tiny_row() { # case label
  local m a b n
  [ -n "$(field "tinyper.$1" 3)" ] || return 0
  read -r m a b n <<<"$(stat "tiny.$1" 3)"
  local t; t=$(fmt_range "$m" "$a" "$b")
  read -r m a b n <<<"$(stat "tinyper.$1" 3)"
  echo "| $2 | $t | $(fmt_range "$m" "$a" "$b" 1) |"
}

PG_VERSION=$(q -c "SHOW server_version")
JAVA_VERSION=$(java -version 2>&1 | head -1)
CPU_MODEL=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
MEM_TOTAL=$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
DURATION=$(( END_EPOCH - START_EPOCH ))
MEM_A=$(field memory.archive 6)
MEM_R=$(field memory.restore 6)
read -r TINY1 _ _ _ <<<"$(stat tinyper.c1 3)"
read -r TINY1W _ _ _ <<<"$(stat tinyper.c1.warm 3)"
read -r TINY2 _ _ _ <<<"$(stat tinyper.c2 3)"
read -r TINY2W _ _ _ <<<"$(stat tinyper.c2.warm 3)"

get_section() {
  echo "## Reading one archived row (get)"
  echo
  if [ "$HAS_GET" = 1 ]; then
    echo "$(num "$GET_ROWS") rows archived as 24 hourly CSV objects of $(num "$(echo "$GET_OBJECT_BYTES" | cut -d/ -f3)") rows each"
    echo "($(awk -v b="$(echo "$GET_OBJECT_BYTES" | cut -d/ -f1)" 'BEGIN { printf "%.1f", b / 1e6 }') MB of CSV, $(awk -v b="$(echo "$GET_OBJECT_BYTES" | cut -d/ -f2)" 'BEGIN { printf "%.2f", b / 1e6 }') MB gzipped), embedded S3; $GET_KEYS keys, each in another object;"
    echo "medians in milliseconds, with min–max. *Command*: \`bin/strata get --json\`, the whole process (JVM start"
    echo "included; in brackets the look-up itself, its \`millis\`); it keeps no cache, so it downloads its object every"
    echo "time, and *warm* is the same key again (the OS's page cache). *HTTP*: \`GET /strata/jobs/lookup/rows/{key}\`"
    echo "on the service, timed by curl: *cold* is the first look-up of an object (downloaded, SHA-256 checked,"
    echo "gunzipped into the cache), *warm* another key of the same object (scanned from the cache's file)."
    echo
    echo "| Case | Cold, ms | Warm, ms |"
    echo "|---|---|---|"
    read -r m a b _ <<<"$(stat get.cmd.cold 3)"; read -r mi _ _ _ <<<"$(stat get.cmd.cold 5)"
    read -r m2 a2 b2 _ <<<"$(stat get.cmd.warm 3)"; read -r mi2 _ _ _ <<<"$(stat get.cmd.warm 5)"
    echo "| \`bin/strata get\` (look-up alone) | $(fmt_range "$m" "$a" "$b" 0) ($(fmt "$mi" 0)) | $(fmt_range "$m2" "$a2" "$b2" 0) ($(fmt "$mi2" 0)) |"
    read -r m a b _ <<<"$(stat get.http.cold 3)"
    read -r m2 a2 b2 _ <<<"$(stat get.http.warm 3)"
    echo "| HTTP, service | $(fmt_range "$m" "$a" "$b" 1) | $(fmt_range "$m2" "$a2" "$b2" 1) |"
  else
    echo "get: not in this build (\`java -jar target/strata.jar help\` lists no get command)."
  fi
  echo
}

if [ "$ONLY" = get ]; then
  mkdir -p "$(dirname "$OUT")"
  {
    echo "Written by \`bench/run.sh --only get$([ "$QUICK" = 1 ] && echo ' --quick')\` on $(date -u +'%Y-%m-%d %H:%M UTC'), in $((DURATION / 60)) min $((DURATION % 60)) s."
    echo "Machine: $(nproc) cores ($CPU_MODEL), $MEM_TOTAL RAM; PostgreSQL $PG_VERSION; $JAVA_VERSION."
    echo "Load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $LOAD_END."
    [ -n "$NOTE" ] && { echo; echo "$NOTE"; }
    echo
    get_section
  } >"$OUT"
  say "wrote $OUT"
  exit 0
fi

mkdir -p "$(dirname "$OUT")"
{
  echo "# Strata benchmark results"
  echo
  echo "Written by \`bench/run.sh$([ "$QUICK" = 1 ] && echo ' --quick')$([ "$ROWS_SET" = 1 ] && echo " --rows $ROWS")\` on $(date -u +'%Y-%m-%d %H:%M UTC'), in $((DURATION / 60)) min $((DURATION % 60)) s."
  echo "Machine: $(nproc) cores ($CPU_MODEL), $MEM_TOTAL RAM; PostgreSQL $PG_VERSION; $JAVA_VERSION."
  echo "Load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $LOAD_END."
  [ -n "$NOTE" ] && { echo; echo "$NOTE"; }
  [ "$QUICK" = 1 ] && { echo; echo "A smoke run on tiny data: it shows that every step works, its figures mean little."; }
  echo
  echo "## What was measured"
  echo
  echo "- **Data**: $(num "$ROWS") rows over $DAYS days in \`bench.events\` (6 tenants; JSONB payloads with quotes,"
  echo "  backslashes, escaped newlines and tabs, non-ASCII text), $(awk -v b="$CSV_RAW" -v n="$DUE_ROWS" 'BEGIN { printf "%.0f", b / n }') bytes per row as CSV, indexed on the"
  echo "  timestamp. The $(num "$DUE_ROWS") rows of the $OBJECTS whole hours before the cutoff are archived: $(mb "$CSV_RAW") MB as CSV,"
  echo "  $(mb "$CSV_GZ") MB gzipped; $(mb "$JSONL_RAW") MB as JSONL, $(mb "$JSONL_GZ") MB gzipped. Both sides use gzip level $GZIP_LEVEL (Strata's default)."
  echo "- **Baseline**: the hand-written script Strata replaces, in one psql session: per hour, \`BEGIN ISOLATION"
  echo "  LEVEL REPEATABLE READ\`, \`COPY (SELECT … hour) TO STDOUT (FORMAT csv, HEADER) \\g |gzip -$GZIP_LEVEL > file && sync file\`,"
  echo "  \`DELETE\` of the same hour, \`COMMIT\`."
  echo "- **Strata**: \`bin/strata archive --job events\` to the embedded S3 (in the same process), with upload,"
  echo "  read-back verification (SHA-256 and byte comparison), sidecar and manifest. *Cold*: the whole command, JVM start included;"
  echo "  \`bin/strata\` runs one-shot commands with the quick JIT only (\`-XX:TieredStopAtLevel=1\`), and one row"
  echo "  shows the same command as \`java -jar\` with the JVM's default JIT. *Warm*: the long-running service's"
  echo "  case, with the service's (default) JIT: two jobs, each over a different fifth of the rows of the same"
  echo "  windows, run first in the same process, and the figure is the measured job's own run time."
  echo "- Every case starts from a freshly copied, vacuumed and checkpointed table; the rows each side archived"
  echo "  are checked to be the same. Figures are medians of $REPS run(s), with min–max; ratios are taken within a"
  echo "  repetition (the runs are back to back), then their median. MB/s is CSV megabytes (10⁶ bytes) of the"
  echo "  archived rows per second in every row, whatever the format. Strata CPU is user + system time of the"
  echo "  Strata process (it includes the embedded S3 server, not PostgreSQL's backends)."
  echo
  echo "## Archive"
  echo
  echo "| Case | Time, s | Run in process, s | Strata CPU, s | Rows/s | MB/s | Strata / baseline |"
  echo "|---|---|---|---|---|---|---|"
  archive_row archive.baseline "Baseline: psql, COPY \\| gzip -$GZIP_LEVEL, fsync, DELETE per hour"
  archive_row archive.csv.c1 "Strata CSV, concurrency 1, cold"
  archive_row archive.csv.c2 "Strata CSV, concurrency 2 (default), cold"
  archive_row archive.csv.c2.jit "Strata CSV, concurrency 2, cold, \`java -jar\` (the JVM's default JIT)"
  archive_row archive.csv.c2.warm "Strata CSV, concurrency 2, warm"
  archive_row archive.jsonl.c1 "Strata JSONL, concurrency 1, cold"
  archive_row archive.jsonl.c2 "Strata JSONL, concurrency 2, cold"
  archive_row archive.jsonl.c2.warm "Strata JSONL, concurrency 2, warm"
  echo
  echo "Time is the process's wall time for the baseline and cold runs, and the job's run time for warm runs."
  if [ -n "$(field archive.csv.c2.gzip6 3)" ]; then
    echo
    echo "### Gzip level"
    echo
    echo "The cold CSV archive at concurrency 2, at Strata's default level 1 and at level 6 (gzip's own default)."
    echo
    echo "| Level | Time, s | Strata CPU, s | Gzipped, MB | Compression |"
    echo "|---|---|---|---|---|"
    for c in archive.csv.c2:1 archive.csv.c2.gzip6:6; do
      read -r m a b _ <<<"$(stat "${c%:*}" 3)"
      read -r cpu _ _ _ <<<"$(stat "${c%:*}" 7)"
      gz=$(field "${c%:*}" 6 | cut -d/ -f2)
      echo "| ${c#*:} | $(fmt_range "$m" "$a" "$b") | $(fmt "$cpu" 1) | $(awk -v g="$gz" 'BEGIN { printf "%.1f", g / 1e6 }') | $(awk -v r="$CSV_RAW" -v g="$gz" 'BEGIN { printf "%.2f×", r / g }') |"
    done
  fi
  echo
  echo "## Restore"
  echo
  if [ "$HAS_RESTORE" = 1 ]; then
    echo "All $OBJECTS CSV objects of a cold concurrency-2 Strata run, into an empty copy of the table (same indexes)."
    echo
    echo "| Case | Time, s | Strata CPU, s | Rows/s | MB/s | Strata / baseline |"
    echo "|---|---|---|---|---|---|"
    read -r m a b _ <<<"$(stat restore.baseline 3)"
    echo "| Baseline: psql, per object \`\\copy … FROM PROGRAM 'gunzip -c …'\` | $(fmt_range "$m" "$a" "$b") | - | $(per_sec "$DUE_ROWS" "$m") | $(mb_per_sec "$CSV_RAW" "$m") | - |"
    read -r m a b _ <<<"$(stat restore.strata 3)"
    read -r cpu _ _ _ <<<"$(stat restore.strata 7)"
    echo "| Strata \`restore\`, cold | $(fmt_range "$m" "$a" "$b") | $(fmt "$cpu" 1) | $(per_sec "$DUE_ROWS" "$m") | $(mb_per_sec "$CSV_RAW" "$m") | $(ratio_cell restore.strata restore.baseline) |"
  else
    echo "restore: not in this build (\`java -jar target/strata.jar help\` lists no restore command)."
  fi
  echo
  echo "## Fixed cost per partition"
  echo
  echo "$TINY_WINDOWS hourly windows of $TINY_ROWS_PER_WINDOW rows each, so that the cost per partition is almost all fixed"
  echo "cost: upload, read-back verification, sidecar and manifest included. For Strata, the job's run time"
  echo "divided by the partitions; for the baseline, its wall time divided by the hours."
  echo
  echo "| Case | Time, s | ms per partition |"
  echo "|---|---|---|"
  tiny_row baseline "Baseline (psql script)"
  tiny_row c1 "Strata, concurrency 1, cold"
  tiny_row c1.warm "Strata, concurrency 1, warm"
  tiny_row c2 "Strata, concurrency 2, cold"
  tiny_row c2.warm "Strata, concurrency 2, warm"
  echo
  echo "## Memory"
  echo
  echo "One hour of $(num "$MEM_ROWS") rows ($(mb "$(echo "$MEM_A" | cut -d/ -f3)") MB of CSV, $(mb "$(echo "$MEM_A" | cut -d/ -f4)") MB gzipped) in a single object, with \`-Xmx$MEM_XMX\`."
  echo "Peak heap is the largest occupancy the GC log shows before a collection, and after one (what was"
  echo "live); peak RSS is from \`/usr/bin/time\`."
  echo
  echo "| Case | Time, s | Rows/s | Peak RSS, MB | Peak heap before / after GC, MB |"
  echo "|---|---|---|---|---|"
  w=$(field memory.archive 3)
  echo "| Archive | $(fmt "$w") | $(per_sec "$MEM_ROWS" "$w") | $(echo "$MEM_A" | cut -d/ -f1) | $(echo "$MEM_A" | cut -d/ -f2 | sed 's|:| / |') |"
  if [ "$HAS_RESTORE" = 1 ]; then
    w=$(field memory.restore 3)
    echo "| Restore | $(fmt "$w") | $(per_sec "$MEM_ROWS" "$w") | $(echo "$MEM_R" | cut -d/ -f1) | $(echo "$MEM_R" | cut -d/ -f2 | sed 's|:| / |') |"
  else
    echo "| Restore | restore: not in this build | | | |"
  fi
  echo
  get_section
  echo "## Targets"
  echo
  echo "| Target | Cold (one-shot command) | Warm (service) |"
  echo "|---|---|---|"
  c=$(ratio_median archive.csv.c2 archive.baseline) w=$(ratio_median archive.csv.c2.warm archive.baseline)
  echo "| Archive CSV ≤ 1.2× baseline (concurrency 2) | $(verdict "$c" × 1.2) | $(verdict "$w" × 1.2) |"
  c=$(ratio_median archive.jsonl.c2 archive.baseline) w=$(ratio_median archive.jsonl.c2.warm archive.baseline)
  echo "| Archive JSONL ≤ 1.5× CSV baseline (concurrency 2) | $(verdict "$c" × 1.5) | $(verdict "$w" × 1.5) |"
  if [ "$HAS_RESTORE" = 1 ]; then
    c=$(ratio_median restore.strata restore.baseline)
    echo "| Restore ≤ 1.3× gunzip \\| COPY FROM | $(verdict "$c" × 1.3) | - |"
  else
    echo "| Restore ≤ 1.3× gunzip \\| COPY FROM | restore: not in this build | - |"
  fi
  echo "| Fixed cost per partition ≤ 15 ms (concurrency 1) | $(verdict "$(fmt "$TINY1" 1)" " ms" 15) | $(verdict "$(fmt "$TINY1W" 1)" " ms" 15) |"
  echo "| Fixed cost per partition ≤ 15 ms (concurrency 2) | $(verdict "$(fmt "$TINY2" 1)" " ms" 15) | $(verdict "$(fmt "$TINY2W" 1)" " ms" 15) |"
  echo "| One hour of $(num "$MEM_ROWS") rows completes at -Xmx$MEM_XMX | archive$([ "$HAS_RESTORE" = 1 ] && echo ' and restore') completed: met | - |"
} >"$OUT"
say "wrote $OUT"
