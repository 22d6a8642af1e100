#!/usr/bin/env bash
# Window bundles (a time job with `tables:`) against the hand-written script that does the same, in one run.
#
#   bench/bundle.sh [--roots N] [--reps R] [--quick] [--memory-roots M] [--note TEXT] [--out FILE]
#
# Steps, each on freshly loaded, identical data (bench/BUNDLE.md says what each figure measures):
#   1. two databases: lesson_enrollments (the root; N rows, completed_at over three whole months),
#      attempts (3 per enrollment) and enrollment_activities (1 per enrollment), both by foreign key, in the
#      main one; lesson_events (1 per enrollment, keyed by lesson_enrollment_id, no foreign key) in a second one
#   2. baseline archive: per month, one REPEATABLE READ transaction in each database: COPY each table's rows of
#      the month's enrollments TO STDOUT | gzip, fsync, DELETE children first and the root, COMMIT (main),
#      then the second database's DELETE and COMMIT; no zip, no S3, no read-back, no test restore
#   3. Strata: `bin/strata archive --job lessons` (monthly bundles, embedded S3), testRestore on (the default)
#      and off
#   4. restore of everything: Strata `restore --job lessons --from --to` against `gunzip | COPY FROM STDIN`
#      of the baseline's files, parents first, one transaction per database
#   5. memory: one month of M enrollments (5 M dependent rows) and one of M/10, archived and restored with
#      -Xmx256m, and the big month archived again with `tables: []` (no `where` parameter; not in --quick);
#      the peak heap of each from the GC log
# and writes bench/BUNDLE.md (--quick: bench/work/BUNDLE-quick.md). Needs bash, psql, gzip, java 17, mvn (only
# when target/strata.jar is missing) and /usr/bin/time (CPU and peak RSS; "-" without it).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$ROOT/bench/work/bundle
LOGS=$WORK/logs
JAR=${STRATA_JAR:-$ROOT/target/strata.jar}

ROOTS=300000
REPS=3
MEM_ROOTS=250000
MEM_XMX=256m
QUICK=0
NOTE=""
OUT=""
ROOTS_SET=0
MEM_SET=0
INTERNAL=""

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
  cat <<'EOF'
Options:
  --roots N         enrollments (root rows) over the three months (default 300000; 6 rows in all per root)
  --reps R          repetitions of each timed case (default 3; the median is reported)
  --quick           smoke run, under a minute: 10000 roots, 1 repetition, a memory window of 5000 roots
  --memory-roots M  enrollments in the memory case's big month (default 250000: 1,250,000 dependent rows)
  --note TEXT       a line for BUNDLE.md (e.g. that the machine was shared)
  --out FILE        where to write the results (default bench/BUNDLE.md, or bench/work/BUNDLE-quick.md)
Environment: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), PGPASSWORD; databases strata_bench_bundle
and strata_bench_bundle_second (STRATA_BENCH_DB names others: NAME and NAME_second). The script creates both,
marks them as its own, and drops them when it ends; it refuses to touch a database of that name it did not create.
STRATA_JAR benchmarks another build than target/strata.jar.
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --roots) ROOTS=${2:?--roots needs a number}; ROOTS_SET=1; shift 2 ;;
    --reps) REPS=${2:?--reps needs a number}; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --memory-roots) MEM_ROOTS=${2:?--memory-roots needs a number}; MEM_SET=1; shift 2 ;;
    --note) NOTE=${2:?--note needs a text}; shift 2 ;;
    --out) OUT=${2:?--out needs a file}; shift 2 ;;
    --internal-baseline-archive | --internal-baseline-restore) INTERNAL=$1; shift ;;  # the baseline, timed alone
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if [ "$QUICK" = 1 ]; then
  [ "$ROOTS_SET" = 1 ] || ROOTS=10000
  [ "$MEM_SET" = 1 ] || MEM_ROOTS=5000
  REPS=1
fi
for n in "$ROOTS" "$REPS" "$MEM_ROOTS"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "bench: numbers must be positive whole numbers" >&2; exit 2; }
done
[ "$MEM_ROOTS" -ge 10 ] || { echo "bench: --memory-roots must be at least 10" >&2; exit 2; }
[ -n "$OUT" ] || { [ "$QUICK" = 1 ] && OUT=$ROOT/bench/work/BUNDLE-quick.md || OUT=$ROOT/bench/BUNDLE.md; }

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=${STRATA_BENCH_DB:-strata_bench_bundle}
DB2=${DB}_second
[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "bench: STRATA_BENCH_DB must be a plain lower-case name" >&2; exit 2; }
GZIP_LEVEL=1    # strata.gzipLevel's default; the baseline uses the same level
MARK="created by bench/bundle.sh"

# --- helpers -------------------------------------------------------------------------------------

say() { printf '[bundle %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }
num() { awk -v n="$1" 'BEGIN { s = sprintf("%d", n); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); print s }'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }             # q -d DB -c SQL: one value out, no noise
sqlrun() { psql -X -q -v ON_ERROR_STOP=1 "$@" >>"$LOGS/sql.log" 2>&1 || die "psql failed; see $LOGS/sql.log"; }
# A number or string field of the summary `archive --json` prints, for one job (default: the first).
json_field() { # key file [job]
  awk -v k="\"$1\"" -v j="${3:-}" '
    $1 == "\"job\"" { gsub(/[",]/, "", $3); on = (j == "" || $3 == j) }
    on && $1 == k { v = $3; gsub(/[",]/, "", v); print v; exit }' "$2"
}

# The months, as "start end label" lines (UTC): three whole months, the newest ending two months before this
# one begins, so that all three are due under `keep: P1M`. Set from the database's clock, once.
months() { awk -v s="$MONTHS" 'BEGIN { n = split(s, m, ","); for (i = 1; i <= n; i++) print m[i] }' | tr '|' ' '; }

# --- the baseline, run as a process of its own under /usr/bin/time --------------------------------
# Two psql sessions, one per database, each reading its commands from a FIFO; a marker echoed after each step
# says when the step is done, so the two transactions interleave as a hand-written script's would.

open_session() { # name database in-fd out-fd
  local in=$BASE_DIR/$1.in out=$BASE_DIR/$1.out
  rm -f "$in" "$out"
  mkfifo "$in" "$out"
  psql -X -q -v ON_ERROR_STOP=1 -d "$2" <"$in" >"$out" 2>>"$BASE_LOG" &
  eval "exec $3>\"\$in\" $4<\"\$out\""
}
STEP=0
session() { # in-fd out-fd sql: runs the statements, returns once psql has done them
  local line
  STEP=$((STEP + 1))
  printf '%s\n\\echo __step_%d\n' "$3" "$STEP" >&"$1"
  while IFS= read -r line <&"$2"; do
    [ "$line" = "__step_$STEP" ] && return 0
  done
  echo "baseline: psql ended at step $STEP (see $BASE_LOG)" >&2
  exit 1
}

baseline_archive_run() {
  local s e label ids f where
  open_session main "$DB" 3 4
  open_session second "$DB2" 5 6
  while read -r s e label; do
    where="completed_at >= '$s' AND completed_at < '$e'"
    ids=$BASE_DIR/$label-ids.txt
    f=$BASE_DIR/$label
    session 3 4 "BEGIN ISOLATION LEVEL REPEATABLE READ;
COPY (SELECT id FROM public.lesson_enrollments WHERE $where) TO STDOUT \\g '$ids'
COPY (SELECT * FROM public.lesson_enrollments WHERE $where) TO STDOUT (FORMAT csv, HEADER) \\g |gzip -$GZIP_LEVEL > '$f-lesson_enrollments.csv.gz'
COPY (SELECT a.* FROM public.attempts a JOIN public.lesson_enrollments e ON e.id = a.lesson_enrollment_id WHERE e.$where) TO STDOUT (FORMAT csv, HEADER) \\g |gzip -$GZIP_LEVEL > '$f-attempts.csv.gz'
COPY (SELECT a.* FROM public.enrollment_activities a JOIN public.lesson_enrollments e ON e.id = a.lesson_enrollment_id WHERE e.$where) TO STDOUT (FORMAT csv, HEADER) \\g |gzip -$GZIP_LEVEL > '$f-enrollment_activities.csv.gz'"
    session 5 6 "BEGIN ISOLATION LEVEL REPEATABLE READ;
CREATE TEMP TABLE month_ids (id bigint NOT NULL) ON COMMIT DROP;
\\copy month_ids FROM '$ids'
ANALYZE month_ids;
COPY (SELECT ev.* FROM public.lesson_events ev WHERE ev.lesson_enrollment_id IN (SELECT id FROM month_ids)) TO STDOUT (FORMAT csv, HEADER) \\g |gzip -$GZIP_LEVEL > '$f-lesson_events.csv.gz'"
    sync "$f"-*.csv.gz "$ids" "$BASE_DIR"
    session 3 4 "DELETE FROM public.attempts a USING public.lesson_enrollments e WHERE a.lesson_enrollment_id = e.id AND e.$where;
DELETE FROM public.enrollment_activities a USING public.lesson_enrollments e WHERE a.lesson_enrollment_id = e.id AND e.$where;
DELETE FROM public.lesson_enrollments WHERE $where;
COMMIT;"
    session 5 6 "DELETE FROM public.lesson_events WHERE lesson_enrollment_id IN (SELECT id FROM month_ids);
COMMIT;"
  done < <(months)
  exec 3>&- 5>&-
  wait
  exec 4<&- 6<&-
}

# Parents first, one transaction per database: each month's files through `gunzip -c` into COPY FROM STDIN.
baseline_restore_run() {
  local s e label t
  {
    echo "BEGIN;"
    while read -r s e label; do
      for t in lesson_enrollments attempts enrollment_activities; do
        echo "\\copy public.$t FROM PROGRAM 'gunzip -c $BASE_DIR/$label-$t.csv.gz' (FORMAT csv, HEADER)"
      done
    done < <(months)
    echo "COMMIT;"
  } >"$BASE_DIR/restore-main.sql"
  {
    echo "BEGIN;"
    while read -r s e label; do
      echo "\\copy public.lesson_events FROM PROGRAM 'gunzip -c $BASE_DIR/$label-lesson_events.csv.gz' (FORMAT csv, HEADER)"
    done < <(months)
    echo "COMMIT;"
  } >"$BASE_DIR/restore-second.sql"
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f "$BASE_DIR/restore-main.sql" >>"$BASE_LOG" 2>&1
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB2" -f "$BASE_DIR/restore-second.sql" >>"$BASE_LOG" 2>&1
}

if [ -n "$INTERNAL" ]; then
  : "${BASE_DIR:?}" "${BASE_LOG:?}" "${MONTHS:?}"
  case "$INTERNAL" in
    --internal-baseline-archive) baseline_archive_run ;;
    --internal-baseline-restore) baseline_restore_run ;;
  esac
  exit 0
fi

# --- preparation ---------------------------------------------------------------------------------

. "$ROOT/bench/common.sh"

# The two databases are this script's: made here, marked with a comment, dropped at the end. One of the same
# name without the mark is someone else's and is left alone.
own_db() { # name: drops it when it is ours from an earlier run; refuses when it is not ours
  local exists comment
  exists=$(q -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$1'")
  [ "$exists" = 0 ] && return 0
  comment=$(q -d postgres -c "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = '$1'")
  [ "$comment" = "$MARK" ] || { say "database $1 exists and was not created by this script; set STRATA_BENCH_DB to another name"; exit 2; }
  sqlrun -d postgres -c "DROP DATABASE \"$1\""
}
CREATED=0
cleanup() {
  local rc=$?
  [ "$rc" = 0 ] || say "FAILED (exit $rc); logs in $LOGS"
  if [ "$CREATED" = 1 ]; then
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$DB\"" -c "DROP DATABASE IF EXISTS \"$DB2\"" >>"$LOGS/sql.log" 2>&1 || true
  fi
  rm -rf "$WORK/s3" "$WORK/tmp" "$WORK/baseline"
}
trap cleanup EXIT
own_db "$DB"
own_db "$DB2"
for d in "$DB" "$DB2"; do
  sqlrun -d postgres -c "CREATE DATABASE \"$d\"" -c "COMMENT ON DATABASE \"$d\" IS '$MARK'"
done
CREATED=1

# Three whole months, the newest ending two months before the current one begins.
MONTHS=$(q -d "$DB" -c "SELECT string_agg(to_char(m, 'YYYY-MM-DD') || '|' || to_char(m + interval '1 month', 'YYYY-MM-DD') || '|'
    || to_char(m, 'YYYYMM'), ',' ORDER BY m)
  FROM generate_series(date_trunc('month', now() AT TIME ZONE 'UTC') - interval '5 months',
                       date_trunc('month', now() AT TIME ZONE 'UTC') - interval '3 months', interval '1 month') AS m")
FIRST_DAY=$(months | head -1 | cut -d' ' -f1)
END_DAY=$(months | tail -1 | cut -d' ' -f2)
export MONTHS
say "$(num "$ROOTS") enrollments over $(months | cut -d' ' -f3 | tr '\n' ' ')(UTC), $REPS repetition(s); databases $DB, $DB2"

# --- data ----------------------------------------------------------------------------------------
# src.* in each database holds the generated rows, once; every case gets public.* copied from them, with
# keys, indexes and foreign keys, vacuumed and checkpointed. Row g of the root is completed (g - 0.5) / n of the
# way through [t0, t1); the same arguments always give the same rows.

generate_src() { # n t0 t1
  local n=$1 t0="timestamptz '$2 00:00:00+00'" t1="timestamptz '$3 00:00:00+00'"
  sqlrun -d "$DB" <<SQL
DROP SCHEMA IF EXISTS src CASCADE;
CREATE SCHEMA src;
CREATE TABLE src.lesson_enrollments (
    id           bigint       NOT NULL,
    school_id    integer      NOT NULL,
    student_id   integer      NOT NULL,
    lesson_id    integer      NOT NULL,
    started_at   timestamptz  NOT NULL,
    completed_at timestamptz,
    score        numeric(5,2),
    status       text         NOT NULL,
    feedback     text
);
INSERT INTO src.lesson_enrollments
SELECT g, 1 + g % 40, 1 + (g * 7919) % 90000, 1 + (g * 31) % 600,
       c - (1 + g % 50) * interval '7 minutes', c,
       round(((g * 37) % 10001) / 100.0, 2),
       (ARRAY['completed', 'passed', 'failed'])[1 + g % 3],
       CASE g % 5 WHEN 0 THEN NULL WHEN 1 THEN 'Très bien — keep going ✓' WHEN 2 THEN E'said "hard",\nthen finished'
                  ELSE 'lesson ' || (g * 31) % 600 || ' done' END
FROM generate_series(1::bigint, $n) AS g, LATERAL (SELECT $t0 + ((g - 0.5) / $n) * ($t1 - $t0) AS c) AS t;

CREATE TABLE src.attempts (
    id                   bigint      NOT NULL,
    lesson_enrollment_id bigint      NOT NULL,
    number               integer     NOT NULL,
    submitted_at         timestamptz NOT NULL,
    correct              integer     NOT NULL,
    total                integer     NOT NULL,
    answers              jsonb       NOT NULL
);
INSERT INTO src.attempts
SELECT a, (a + 2) / 3, 1 + (a + 2) % 3, e.completed_at - (3 - (a + 2) % 3) * interval '2 minutes',
       a % 11, 10,
       jsonb_build_object('q', jsonb_build_array(a % 4, (a * 3) % 4, (a * 7) % 4, (a * 11) % 4, (a * 13) % 4),
                          'hint', a % 6 = 0, 'client', (ARRAY['web', 'ios', 'android'])[1 + a % 3],
                          'note', CASE a % 4 WHEN 0 THEN 'naïve café' WHEN 1 THEN E'tab\there' ELSE md5(a::text) END)
FROM generate_series(1::bigint, 3 * $n) AS a JOIN src.lesson_enrollments e ON e.id = (a + 2) / 3;

CREATE TABLE src.enrollment_activities (
    id                   bigint  NOT NULL,
    lesson_enrollment_id bigint  NOT NULL,
    kind                 text    NOT NULL,
    seconds_spent        integer NOT NULL,
    data                 jsonb   NOT NULL
);
INSERT INTO src.enrollment_activities
SELECT g, g, (ARRAY['video', 'reading', 'quiz', 'exercise'])[1 + g % 4], 30 + (g * 13) % 1800,
       jsonb_build_object('progress', (g * 17) % 101, 'device', (ARRAY['Desktop', 'Phone', 'Tablet'])[1 + g % 3],
                          'session', md5(g::text))
FROM generate_series(1::bigint, $n) AS g;
SQL
  sqlrun -d "$DB2" <<SQL
DROP SCHEMA IF EXISTS src CASCADE;
CREATE SCHEMA src;
CREATE TABLE src.lesson_events (
    id                   bigint      NOT NULL,
    lesson_enrollment_id bigint      NOT NULL,
    name                 text        NOT NULL,
    occurred_at          timestamptz NOT NULL,
    payload              jsonb       NOT NULL
);
INSERT INTO src.lesson_events
SELECT g, g, (ARRAY['lesson_completed', 'badge_earned', 'streak_extended'])[1 + g % 3],
       $t0 + ((g - 0.5) / $n) * ($t1 - $t0),
       jsonb_build_object('school', 1 + g % 40, 'streak', g % 30, 'source', 'app', 'trace', md5((g * 3)::text))
FROM generate_series(1::bigint, $n) AS g;
SQL
}

# Fresh public.* from src.*, with keys, indexes and foreign keys; vacuumed, analyzed, checkpointed.
reset_tables() {
  sqlrun -d "$DB" <<'SQL'
DROP TABLE IF EXISTS public.attempts, public.enrollment_activities, public.lesson_enrollments;
CREATE TABLE public.lesson_enrollments (LIKE src.lesson_enrollments);
INSERT INTO public.lesson_enrollments SELECT * FROM src.lesson_enrollments;
ALTER TABLE public.lesson_enrollments ADD PRIMARY KEY (id);
CREATE INDEX ON public.lesson_enrollments (completed_at);
CREATE TABLE public.attempts (LIKE src.attempts);
INSERT INTO public.attempts SELECT * FROM src.attempts;
ALTER TABLE public.attempts ADD PRIMARY KEY (id),
    ADD FOREIGN KEY (lesson_enrollment_id) REFERENCES public.lesson_enrollments (id);
CREATE INDEX ON public.attempts (lesson_enrollment_id);
CREATE TABLE public.enrollment_activities (LIKE src.enrollment_activities);
INSERT INTO public.enrollment_activities SELECT * FROM src.enrollment_activities;
ALTER TABLE public.enrollment_activities ADD PRIMARY KEY (id),
    ADD FOREIGN KEY (lesson_enrollment_id) REFERENCES public.lesson_enrollments (id);
CREATE INDEX ON public.enrollment_activities (lesson_enrollment_id);
VACUUM (ANALYZE) public.lesson_enrollments, public.attempts, public.enrollment_activities;
CHECKPOINT;
SQL
  sqlrun -d "$DB2" <<'SQL'
DROP TABLE IF EXISTS public.lesson_events;
CREATE TABLE public.lesson_events (LIKE src.lesson_events);
INSERT INTO public.lesson_events SELECT * FROM src.lesson_events;
ALTER TABLE public.lesson_events ADD PRIMARY KEY (id);
CREATE INDEX ON public.lesson_events (lesson_enrollment_id);
VACUUM (ANALYZE) public.lesson_events;
CHECKPOINT;
SQL
}

# Before a restore: the emptied tables vacuumed and checkpointed, the same for both sides.
settle_tables() {
  sqlrun -d "$DB" -c "VACUUM public.lesson_enrollments, public.attempts, public.enrollment_activities" -c "CHECKPOINT"
  sqlrun -d "$DB2" -c "VACUUM public.lesson_events" -c "CHECKPOINT"
}

# Strata's tables (but its installation) and objects from earlier cases go, so that every case starts empty.
reset_strata() {
  local d
  rm -rf "$WORK/s3" "$WORK/tmp"
  mkdir -p "$WORK/s3" "$WORK/tmp"
  for d in "$DB" "$DB2"; do
    sqlrun -d "$d" <<'SQL'
DO $$
DECLARE t text;
BEGIN
    SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') INTO t
      FROM pg_tables WHERE schemaname = 'strata' AND tablename <> 'installation';
    IF t IS NOT NULL THEN EXECUTE 'TRUNCATE ' || t || ' CASCADE'; END IF;
END $$;
SQL
  done
}

TABLES_MAIN="lesson_enrollments attempts enrollment_activities"
# "rows:digest" of a table: its row count and an order-free sum of each row's hash.
digest() { # db schema.table
  q -d "$1" -c "SELECT count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) FROM $2 t"
}
# The rows of public.* are exactly those of src.* (after a restore), or none (after an archive; main-only: none
# in the main database, and the second database's as they were).
check_tables() { # label full|empty|main-only
  local t want got d
  for t in $TABLES_MAIN lesson_events; do
    d=$DB
    [ "$t" = lesson_events ] && d=$DB2
    got=$(digest "$d" "public.$t")
    if [ "$2" = full ] || { [ "$2" = main-only ] && [ "$t" = lesson_events ]; }; then want=$(digest "$d" "src.$t"); else want="0:0"; fi
    [ "$got" = "$want" ] || die "$1: public.$t holds ${got%%:*} rows (digest ${got#*:}), expected ${want%%:*} (digest ${want#*:})"
  done
}
total_rows() { # every src row, in both databases
  local a b
  a=$(q -d "$DB" -c "SELECT (SELECT count(*) FROM src.lesson_enrollments) + (SELECT count(*) FROM src.attempts)
                      + (SELECT count(*) FROM src.enrollment_activities)")
  b=$(q -d "$DB2" -c "SELECT count(*) FROM src.lesson_events")
  echo $((a + b))
}

# One line per measurement: case, repetition, wall seconds, rows, CPU seconds, peak RSS MB, extra.
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:--}" "${5:--}" "${6:--}" "${7:--}" >>"$WORK/results.tsv"; }

# Runs a command under /usr/bin/time (when there is one); sets CPU (user + sys seconds of it and its children)
# and RSS (the largest peak resident set of it or one of its children, MB).
timed() { # timefile command...
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

# --- Strata ----------------------------------------------------------------------------------------

write_config() { # file testRestore(true|false) [events|fk]: fk lists no table (tables: []), foreign keys alone
  local tables='
        - table: public.lesson_events
          database: second
          where: "lesson_enrollment_id = ANY(:public.lesson_enrollments.id)"'
  [ "${3:-events}" = fk ] && tables=' []'
  cat >"$1" <<YAML
strata:
  database:
    url: "jdbc:postgresql://$PGHOST:$PGPORT/$DB"
    user: "$PGUSER"
    password: "{{env:PGPASSWORD:}}"
  databases:
    second:
      url: "jdbc:postgresql://$PGHOST:$PGPORT/$DB2"
      user: "$PGUSER"
      password: "{{env:PGPASSWORD:}}"
  s3:
    bucket: archive
    endpoint: embedded
    embedded:
      dir: "$WORK/s3"
  tempDir: "$WORK/tmp"
  gzipLevel: $GZIP_LEVEL
  jobs:
    - name: lessons
      table: public.lesson_enrollments
      timestampColumn: completed_at
      keep: P1M
      batch: P1M
      format: csv
      testRestore: $2
      tables:$tables
YAML
}

# bin/strata as operators run it (one-shot commands with the quick JIT), with more java options.
strata() { # label java-options command...
  local label=$1 opts=$2
  shift 2
  timed "$LOGS/$label.time" env "STRATA_JAR=$JAR" "STRATA_JAVA_OPTS=$opts" "$ROOT/bin/strata" "$@" \
    >"$LOGS/$label.json" 2>"$LOGS/$label.log"
}

# Sets WALL, CPU, RSS, STRATA_ROWS, STRATA_MS and PHASES (extract/upload/verify/test restore ms, summed over
# the bundles) of an archive.
strata_archive() { # label testRestore [java options] [events|fk]
  local label=$1 cfg=$WORK/conf/$1.yaml t0 t1
  write_config "$cfg" "$2" "${4:-events}"
  t0=$(now)
  strata "$label" "${3:-}" --config "$cfg" archive --job lessons --json || die "$label: strata archive failed; see $LOGS/$label.log"
  t1=$(now)
  WALL=$(elapsed "$t0" "$t1")
  [ "$(json_field status "$LOGS/$label.json" lessons)" = succeeded ] || die "$label: run status is not succeeded; see $LOGS/$label.json"
  STRATA_ROWS=$(json_field rows "$LOGS/$label.json" lessons)
  STRATA_MS=$(json_field millis "$LOGS/$label.json" lessons)
  PHASES=$(q -d "$DB" -c "SELECT count(*) || '/' || sum(extract_ms) || '/' || sum(upload_ms) || '/' || sum(verify_ms) || '/'
      || coalesce(sum(test_restore_ms)::text, '-') || '/' || sum(gzip_bytes) || '/' || sum(row_count)
    FROM strata.manifest WHERE job = 'lessons' AND kind = 'bundle'")
  # Each bundle's own time, from its line ("lessons  202606 c1  … 1885 ms  [1/3 …]"), summed.
  PHASES=$PHASES/$(awk '$2 ~ /^[0-9]+$/ && $3 ~ /^c[0-9]+$/ {
      for (i = 2; i <= NF; i++) if ($i == "ms" && $(i - 1) ~ /^[0-9]+$/) { s += $(i - 1); break } } END { print s + 0 }' \
    "$LOGS/$label.log")
}

strata_restore() { # label [java options]
  local label=$1 cfg=$WORK/conf/$1.yaml t0 t1
  write_config "$cfg" true
  t0=$(now)
  strata "$label" "${2:-}" --config "$cfg" restore --job lessons --from "$FIRST_DAY" --to "$END_DAY" --json \
    || die "$label: strata restore failed; see $LOGS/$label.log"
  t1=$(now)
  WALL=$(elapsed "$t0" "$t1")
}

baseline() { # label mode(archive|restore)
  local label=$1 t0 t1
  t0=$(now)
  BASE_DIR=$WORK/baseline BASE_LOG=$LOGS/$label.log \
    timed "$LOGS/$label.time" bash "${BASH_SOURCE[0]}" "--internal-baseline-$2" || die "$label: failed; see $LOGS/$label.log"
  t1=$(now)
  WALL=$(elapsed "$t0" "$t1")
}

# Peak heap from the GC log: the largest occupancy before a collection, and after one (the live data).
peak_heap() { # gc-log -> "before:after" in MB, or "-" when no collection ran
  grep -o '[0-9]*M->[0-9]*M([0-9]*M)' "$1" 2>/dev/null | tr -d 'M' | tr '>(' '  ' |
    awk '{ split($1, a, "-"); if (a[1] + 0 > b) b = a[1] + 0; if ($2 + 0 > l) l = $2 + 0 } END { print (NR ? b ":" l : "-") }'
}

# --- 1: data, and a first run ----------------------------------------------------------------------

# bin/strata records its class archive (target/strata.jsa) on the first one-shot command after a build; a
# small archive does that first when the archive is missing or older than the jar (not measured).
JSA=${JAR%.jar}.jsa
if [ ! -f "$JSA" ] || [ ! "$JSA" -nt "$JAR" ]; then
  say "a first Strata archive of 1,000 enrollments (records the class archive for this jar; not measured)"
  generate_src 1000 "$FIRST_DAY" "$END_DAY"
  reset_tables
  reset_strata
  strata_archive prime true
  check_tables prime empty
fi

say "generating the data (src.*)"
t0=$(now)
generate_src "$ROOTS" "$FIRST_DAY" "$END_DAY"
GEN_S=$(elapsed "$t0" "$(now)")
TOTAL=$(total_rows)
SIZES=$(q -d "$DB" -c "SELECT pg_total_relation_size('src.lesson_enrollments') + pg_total_relation_size('src.attempts')
    + pg_total_relation_size('src.enrollment_activities')")
SIZES=$((SIZES + $(q -d "$DB2" -c "SELECT pg_total_relation_size('src.lesson_events')")))
say "$(num "$TOTAL") rows in four tables ($((SIZES / 1000000)) MB of heap), generated in ${GEN_S%.*} s"

# --- 2, 3, 4: archive and restore --------------------------------------------------------------------

for rep in $(seq 1 "$REPS"); do
  say "rep $rep/$REPS: baseline archive (per month: COPY | gzip -$GZIP_LEVEL, fsync, DELETE, in both databases)"
  reset_tables
  baseline "baseline-archive-$rep" archive
  check_tables "baseline-archive-$rep" empty
  record archive.baseline "$rep" "$WALL" "$TOTAL" "$CPU" "$RSS" "$(du -sb "$WORK/baseline" | cut -f1)"
  say "rep $rep/$REPS: baseline restore (gunzip | COPY FROM STDIN, parents first)"
  settle_tables
  baseline "baseline-restore-$rep" restore
  check_tables "baseline-restore-$rep" full
  record restore.baseline "$rep" "$WALL" "$TOTAL" "$CPU" "$RSS"

  # testRestore: false, then true (the run whose bundles the restore below loads).
  for tr in notr:false tr:true; do
    say "rep $rep/$REPS: Strata archive, testRestore: ${tr#*:}"
    reset_tables
    reset_strata
    strata_archive "strata-archive-${tr%%:*}-$rep" "${tr#*:}"
    check_tables "strata-archive-${tr%%:*}-$rep" empty
    [ "$STRATA_ROWS" = "$TOTAL" ] || die "strata-archive-${tr%%:*}-$rep: Strata archived $STRATA_ROWS rows, $TOTAL were due"
    record "archive.strata.${tr%%:*}" "$rep" "$WALL" "$STRATA_ROWS" "$CPU" "$RSS" "$STRATA_MS/$PHASES"
  done

  say "rep $rep/$REPS: Strata restore of the bundles"
  settle_tables
  strata_restore "strata-restore-$rep"
  check_tables "strata-restore-$rep" full
  record restore.strata "$rep" "$WALL" "$TOTAL" "$CPU" "$RSS"
done

# --- 5: memory: one month of MEM_ROOTS enrollments, and one of a tenth of it, with -Xmx256m -------------

MEM_CASES="$((MEM_ROOTS / 10)):small $MEM_ROOTS:big"
for c in $MEM_CASES; do
  n=${c%:*} size=${c#*:}
  say "memory ($size): one month of $(num "$n") enrollments, archive and restore with -Xmx$MEM_XMX"
  first=$(months | tail -1)
  generate_src "$n" "$(echo "$first" | cut -d' ' -f1)" "$(echo "$first" | cut -d' ' -f2)"
  MEM_TOTAL=$(total_rows)
  reset_tables
  reset_strata
  strata_archive "memory-archive-$size" true "-Xmx$MEM_XMX -Xlog:gc:file=$LOGS/memory-archive-$size-gc.log"
  check_tables "memory-archive-$size" empty
  [ "$STRATA_ROWS" = "$MEM_TOTAL" ] || die "memory-archive-$size: Strata archived $STRATA_ROWS rows, $MEM_TOTAL were due"
  record "memory.archive.$size" 1 "$WALL" "$MEM_TOTAL" "$CPU" "$RSS" "$(peak_heap "$LOGS/memory-archive-$size-gc.log")/$n/$PHASES"
  settle_tables
  strata_restore "memory-restore-$size" "-Xmx$MEM_XMX -Xlog:gc:file=$LOGS/memory-restore-$size-gc.log"
  check_tables "memory-restore-$size" full
  record "memory.restore.$size" 1 "$WALL" "$MEM_TOTAL" "$CPU" "$RSS" "$(peak_heap "$LOGS/memory-restore-$size-gc.log")/$n"
done
# The same whole month with `tables: []`: the foreign keys alone, so no `where` binds the month's enrollment ids as
# an array (lesson_events stays). What the heap holds beyond the small month's, without that parameter.
# (Not in --quick.)
if [ "$QUICK" = 0 ]; then
  say "memory (whole, foreign keys alone): the same month without lesson_events, archive with -Xmx$MEM_XMX"
  reset_tables
  reset_strata
  strata_archive memory-archive-fk true "-Xmx$MEM_XMX -Xlog:gc:file=$LOGS/memory-archive-fk-gc.log" fk
  check_tables memory-archive-fk main-only
  FK_TOTAL=$((MEM_TOTAL - MEM_ROOTS))
  [ "$STRATA_ROWS" = "$FK_TOTAL" ] || die "memory-archive-fk: Strata archived $STRATA_ROWS rows, $FK_TOTAL were due"
  record memory.archive.fk 1 "$WALL" "$FK_TOTAL" "$CPU" "$RSS" "$(peak_heap "$LOGS/memory-archive-fk-gc.log")/$MEM_ROOTS/$PHASES"
fi

END_EPOCH=$(date +%s)
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
PG_VERSION=$(q -d "$DB" -c "SHOW server_version")

# --- results ---------------------------------------------------------------------------------------

TSV=$WORK/results.tsv
median_of() { # values on stdin -> "median min max n"
  sort -g | awk '{ v[NR] = $1 } END { if (!NR) { print "- - - 0"; exit }
                   m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR], NR }'
}
stat() { awk -F'\t' -v c="$1" -v k="$2" '$1 == c && $k != "-" { print $k }' "$TSV" | median_of; }  # case column
# The median over the repetitions of one /-separated part of the extra column.
extra_stat() { awk -F'\t' -v c="$1" -v i="$2" '$1 == c { split($7, p, "/"); if (p[i] != "-") print p[i] }' "$TSV" | median_of; }
# The per-repetition ratio of the times (column 3) of a case and its baseline: "median min max n".
ratio() { # case base
  awk -F'\t' -v c="$1" -v b="$2" '$1 == b { base[$2] = $3 } $1 == c { v[$2] = $3 }
      END { for (r in v) if (r in base && base[r] > 0) print v[r] / base[r] }' "$TSV" | median_of
}
field() { awk -F'\t' -v c="$1" -v k="$2" '$1 == c { print $k; exit }' "$TSV"; }
fmt() { awk -v x="$1" -v d="${2:-2}" 'BEGIN { if (x == "-" || x == "") print "-"; else printf "%." d "f", x }'; }
fmt_range() { # median min max [decimals] -> "m (min–max)"; the median alone for one value
  [ "$1" = - ] && { echo -; return; }
  awk -v m="$1" -v a="$2" -v b="$3" -v d="${4:-2}" 'BEGIN { f = "%." d "f"; if (a == b) printf f, m; else printf f " (" f "–" f ")", m, a, b }'
}
per_sec() { awk -v n="$1" -v s="$2" 'BEGIN { if (s == "-" || s <= 0) print "-"; else printf "%.0f", n / s }'; }
ratio_cell() { local m a b; read -r m a b _ <<<"$(ratio "$1" "$2")"; fmt_range "$m" "$a" "$b"; }
ms_s() { awk -v x="$1" 'BEGIN { if (x == "-" || x == "") print "-"; else printf "%.1f", x / 1000 }'; }

main_row() { # case label base
  local m a b cpu rss
  read -r m a b _ <<<"$(stat "$1" 3)"
  read -r cpu _ _ _ <<<"$(stat "$1" 5)"
  read -r rss _ _ _ <<<"$(stat "$1" 6)"
  printf '| %s | %s | %s | %s | %s | %s |\n' "$2" "$(fmt_range "$m" "$a" "$b")" "$(per_sec "$TOTAL" "$m")" \
    "$([ "$1" = "$3" ] && echo - || ratio_cell "$1" "$3")" "$(fmt "$cpu" 1)" "$rss"
}
phase_row() { # case label
  local inproc own ex up ve tr rest m
  read -r m _ _ _ <<<"$(stat "$1" 3)"
  read -r inproc _ _ _ <<<"$(extra_stat "$1" 1)"
  read -r ex _ _ _ <<<"$(extra_stat "$1" 3)"
  read -r up _ _ _ <<<"$(extra_stat "$1" 4)"
  read -r ve _ _ _ <<<"$(extra_stat "$1" 5)"
  read -r tr _ _ _ <<<"$(extra_stat "$1" 6)"
  read -r own _ _ _ <<<"$(extra_stat "$1" 9)"
  # the bundles' time beyond the recorded phases, per repetition, then the median
  read -r rest _ _ _ <<<"$(awk -F'\t' -v c="$1" '$1 == c { split($7, p, "/"); print p[9] - p[3] - p[4] - p[5] - (p[6] == "-" ? 0 : p[6]) }' "$TSV" | median_of)"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$(fmt "$m" 1)" "$(ms_s "$inproc")" "$(ms_s "$own")" "$(ms_s "$ex")" \
    "$(ms_s "$up")" "$(ms_s "$ve")" "$(ms_s "$tr")" "$(ms_s "$rest")"
}
memory_row() { # case label dependents-per-root
  local a r n heap_a heap_r
  a=$(field "memory.archive.$1" 7); r=$(field "memory.restore.$1" 7)
  n=$(echo "$a" | cut -d/ -f2)
  heap_a=$(echo "$a" | cut -d/ -f1 | sed 's|:| / |')
  if [ -n "$r" ]; then
    heap_r="$(fmt "$(field "memory.restore.$1" 3)") | $(field "memory.restore.$1" 6) MB, heap $(echo "$r" | cut -d/ -f1 | sed 's|:| / |')"
  else
    heap_r="- | -"
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$(num "$n")" "$(num "$((n * $3))")" \
    "$(fmt "$(field "memory.archive.$1" 3)")" "$(per_sec "$(field "memory.archive.$1" 4)" "$(field "memory.archive.$1" 3)")" \
    "$(field "memory.archive.$1" 6)" "$heap_a" "$heap_r"
}

CPU_MODEL=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
MEM_TOTAL_GB=$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
JAVA_VERSION=$(java -version 2>&1 | head -1)
DURATION=$(( END_EPOCH - START_EPOCH ))
BASE_BYTES=$(field archive.baseline 7)
ZIP_BYTES=$(extra_stat archive.strata.tr 7 | cut -d' ' -f1)
PER_MONTH=$((ROOTS / 3))
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)

mkdir -p "$(dirname "$OUT")"
{
  echo "# Window bundles: Strata against the hand-written script"
  echo
  echo "Written by \`bench/bundle.sh$([ "$QUICK" = 1 ] && echo ' --quick')$([ "$ROOTS_SET" = 1 ] && echo " --roots $ROOTS")$([ "$MEM_SET" = 1 ] && echo " --memory-roots $MEM_ROOTS")$([ "$QUICK" = 0 ] && [ "$REPS" != 3 ] && echo " --reps $REPS")\` on $(date -u +'%Y-%m-%d %H:%M UTC'), in $((DURATION / 60)) min $((DURATION % 60)) s, on the build of commit $COMMIT."
  echo "Machine: $(nproc) cores ($CPU_MODEL), $MEM_TOTAL_GB RAM; PostgreSQL $PG_VERSION (on the same machine); $JAVA_VERSION."
  echo "Load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $LOAD_END."
  [ -n "$NOTE" ] && { echo; echo "$NOTE"; }
  [ "$QUICK" = 1 ] && { echo; echo "A smoke run on small data: it shows that every step works, its figures mean little."; }
  echo
  echo "## What was measured"
  echo
  echo "- **Data**: $(num "$ROOTS") \`lesson_enrollments\` (the root) completed over three whole months"
  echo "  ($(months | cut -d' ' -f3 | tr '\n' ' ' | sed 's/ $//; s/ /, /g'), UTC; about $(num "$PER_MONTH") a month), each with 3 \`attempts\` and 1"
  echo "  \`enrollment_activities\` row (foreign keys to the root, indexed) in the main database, and 1 \`lesson_events\` row"
  echo "  in a second database (\`lesson_enrollment_id\`, indexed, no foreign key): $(num "$TOTAL") rows, $((SIZES / 1000000)) MB of"
  echo "  table heap; JSONB, quotes, line breaks, tabs and non-ASCII text in some columns. Every case starts from"
  echo "  freshly copied tables with their keys, indexes and foreign keys, vacuumed and checkpointed; after each"
  echo "  archive the four tables must be empty, and after each restore every table's row count and an order-free"
  echo "  digest of its rows (\`sum(hashtextextended(row::text, 0))\`) must equal the generated ones."
  echo "- **Baseline** (the lower bound): a bash script with one psql session per database. Per month: \`BEGIN"
  echo "  ISOLATION LEVEL REPEATABLE READ\` in the main database, \`COPY (…) TO STDOUT (FORMAT csv, HEADER) \\g |gzip -$GZIP_LEVEL > file\`"
  echo "  of the month's enrollments and of their attempts and activities (joined to the month's enrollments), and of"
  echo "  their ids to a file; in the second database, in its own REPEATABLE READ transaction, the ids into a temp"
  echo "  table and the events of those ids \`COPY … | gzip\`; \`sync\` of the files; then \`DELETE\` of attempts,"
  echo "  activities and enrollments and \`COMMIT\` in the main database, then \`DELETE\` of the events and \`COMMIT\` in"
  echo "  the second. No zip, no S3, no read-back, no test restore, no row locks, no record of the deletes pending"
  echo "  in the second database, no manifest: what a careful hand-written script does at the least."
  echo "- **Strata**: \`bin/strata --config … archive --job lessons --json\` of a time job with \`batch: P1M\`, \`keep: P1M\`,"
  echo "  \`format: csv\`, \`concurrency\` 2 (the default: two months at a time) and \`tables:\` naming \`lesson_events\`"
  echo "  (\`database: second\`, \`where: \"lesson_enrollment_id = ANY(:public.lesson_enrollments.id)\"\`); attempts and"
  echo "  activities follow by foreign key. Each month is one zip bundle: rows locked \`FOR UPDATE\` into temp"
  echo "  tables, each table's CSV streamed into the zip at gzip level $GZIP_LEVEL, the zip uploaded to the embedded S3 (in"
  echo "  the same process), read back and compared, made durable, test-restored into scratch tables (with"
  echo "  \`testRestore: true\`, the default), then deleted children first with the pending-delete record across the"
  echo "  databases. The whole command, JVM start included; \`bin/strata\` runs one-shot commands with the quick JIT."
  echo "- **Restore**: Strata \`restore --job lessons --from $FIRST_DAY --to $END_DAY\` of the three bundles (checked against"
  echo "  the manifest, then one transaction per database, parents first) into the emptied, vacuumed tables, against"
  echo "  the baseline's files loaded by \`\\copy … FROM PROGRAM 'gunzip -c …' (FORMAT csv, HEADER)\`, parents first,"
  echo "  one transaction per database, into the same tables in the same state."
  echo "- Figures are medians of $REPS run(s), with min–max; a ratio is taken within a repetition (its runs are back to"
  echo "  back), then their median. Rows/s counts the rows of all four tables. CPU is user + system time of the"
  echo "  measured process and its children (Strata: the JVM, the embedded S3 included; baseline: bash, psql, gzip),"
  echo "  not PostgreSQL's backends, which do much of both sides' work; peak RSS is the largest single process's"
  echo "  (baseline: a psql or gzip). From \`/usr/bin/time\`."
  echo
  echo "## Archive"
  echo
  echo "| Case | Time, s | Rows/s | Strata / baseline | CPU, s | Peak RSS, MB |"
  echo "|---|---|---|---|---|---|"
  main_row archive.baseline "Baseline: psql, COPY \\| gzip -$GZIP_LEVEL, fsync, DELETE per month, 2 databases" archive.baseline
  main_row archive.strata.tr "Strata, \`testRestore: true\` (default)" archive.baseline
  main_row archive.strata.notr "Strata, \`testRestore: false\`" archive.baseline
  echo
  echo "The baseline's files: $(awk -v b="$BASE_BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB gzipped; Strata's three zips: $(awk -v b="$ZIP_BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB."
  echo
  echo "### Where Strata's time goes"
  echo
  echo "Medians over the repetitions, in seconds. *In process* is the job's run time as \`archive --json\` reports it"
  echo "(the rest of *Time* is the JVM's start, the plan against the catalogs and the embedded S3's start). The other"
  echo "figures are each bundle's, summed over the three bundles — two run at once, so they add up to more than the"
  echo "run. *Bundles* is each bundle's own time (its line's ms); of it, from the manifest: *extract*, locking the rows"
  echo "\`FOR UPDATE\` into temp tables in both databases and streaming every table's CSV into the zip; *upload* and"
  echo "*verify* (read back and compared, fsynced), the embedded S3's; *test restore*, every entry loaded into scratch"
  echo "tables and its digest compared. *Rest* is what the manifest does not time: the sidecar, the deletes children"
  echo "first, the manifest row and the pending-delete record of the second database's rows, the commits, that"
  echo "database's delete."
  echo
  echo "| Case | Time | In process | Bundles | Extract | Upload | Verify | Test restore | Rest |"
  echo "|---|---|---|---|---|---|---|---|---|"
  phase_row archive.strata.tr "\`testRestore: true\`"
  phase_row archive.strata.notr "\`testRestore: false\`"
  echo
  echo "## Restore"
  echo
  echo "| Case | Time, s | Rows/s | Strata / baseline | CPU, s | Peak RSS, MB |"
  echo "|---|---|---|---|---|---|"
  main_row restore.baseline "Baseline: psql, \`gunzip -c\` \\| COPY FROM STDIN, parents first" restore.baseline
  main_row restore.strata "Strata \`restore --job lessons --from --to\` (3 bundles)" restore.baseline
  echo
  echo "## Memory: -Xmx$MEM_XMX"
  echo
  echo "One month of enrollments with their dependents (3 attempts, 1 activity, 1 event each) as one bundle,"
  echo "\`testRestore: true\`, archived and then restored with \`STRATA_JAVA_OPTS=-Xmx$MEM_XMX\`, for two sizes of the month;"
  echo "then the whole month again with \`tables: []\` (the foreign keys alone: no \`lesson_events\`, so no \`where\` binds"
  echo "the month's enrollment ids as an array), archived only. Peak heap is the largest occupancy the GC log"
  echo "(\`-Xlog:gc\`) shows before a collection, and the largest after one (what was live); peak RSS is the JVM's,"
  echo "from \`/usr/bin/time\`. One run each."
  echo
  echo "| Window | Enrollments | Dependent rows | Archive, s | Rows/s | Peak RSS, MB | Peak heap before / after GC, MB | Restore, s | Restore peak RSS, heap before / after GC |"
  echo "|---|---|---|---|---|---|---|---|---|"
  memory_row small "A tenth" 5
  memory_row big "Whole" 5
  [ -n "$(field memory.archive.fk 3)" ] && memory_row fk "Whole, \`tables: []\` (no \`where\` parameter)" 4
  echo
  echo "## Reading the figures"
  echo
  read -r rt _ _ _ <<<"$(ratio archive.strata.tr archive.baseline)"
  read -r rn _ _ _ <<<"$(ratio archive.strata.notr archive.baseline)"
  read -r rr _ _ _ <<<"$(ratio restore.strata restore.baseline)"
  read -r own _ _ _ <<<"$(extra_stat archive.strata.tr 9)"
  read -r ex _ _ _ <<<"$(extra_stat archive.strata.tr 3)"
  read -r tr _ _ _ <<<"$(extra_stat archive.strata.tr 6)"
  read -r wall _ _ _ <<<"$(stat archive.strata.tr 3)"
  read -r cpu _ _ _ <<<"$(stat archive.strata.tr 5)"
  pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b <= 0) print "-"; else printf "%.0f%%", 100 * a / b }'; }
  live() { field "memory.archive.$1" 7 | cut -d/ -f1 | cut -d: -f2; }
  echo "- Archive: Strata takes $(fmt "$rt")× the baseline's time with \`testRestore: true\` and $(fmt "$rn")× without it"
  echo "  (medians of the per-repetition ratios); restore, $(fmt "$rr")×."
  echo "- Extract is $(pct "$ex" "$own") of the bundles' own time and the test restore $(pct "$tr" "$own") (\`testRestore: true\`, medians)."
  echo "  In extract, PostgreSQL locks every row \`FOR UPDATE\` (a write to its heap page) and copies it into a temp table,"
  echo "  which is indexed and analyzed, and the CSV is read out of that table; the baseline reads each row once. Strata's"
  echo "  own process used $(fmt "$cpu" 1) s of CPU in a run of $(fmt "$wall" 1) s: the rest is PostgreSQL's work, and waiting."
  ls=$(live small) lb=$(live big) lf=$(live fk)
  fk_part=""
  [ -n "$lf" ] && fk_part=", $lf MB with the whole month through foreign keys alone"
  echo "- Heap at -Xmx$MEM_XMX, live after a collection: $ls MB with a tenth of the month, $lb MB with the whole month$fk_part."
  echo "  Rows stream: COPY into the zip, the zip into the test restore and into the restore."
  if [ "$ls" != - ] && [ "$lb" != - ] && [ $((lb - ls)) -le 10 ]; then
    echo "  The heap does not grow with the window."
  elif [ -n "$lf" ] && [ "$lf" != - ] && [ "$ls" != - ] && [ "$lb" != - ] && [ $((lf - ls)) -le 10 ]; then
    echo "  What grows with the window is the \`where\` parameter alone: the month's distinct enrollment ids, read into"
    echo "  the heap and bound as one array (docs/tenants.md, \"Which rows are the tenant's\"), about"
    echo "  $(awk -v a="$lb" -v b="$lf" -v n="$MEM_ROOTS" 'BEGIN { printf "%.0f", (a - b) * 1e6 / n }') bytes per id here; without it the heap is the small window's."
  else
    echo "  The live heap grows with the window."
  fi
} >"$OUT"
say "wrote $OUT"
rm -rf "$WORK/s3" "$WORK/tmp" "$WORK/baseline"
