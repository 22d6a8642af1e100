# Sourced by bench/run.sh and bench/bundle.sh after they set WORK, LOGS and JAR and define say and die:
# the work directory made anew, the tools checked, /usr/bin/time (installed with apt-get when missing and
# possible; else TIME_BIN is empty and CPU and peak RSS are reported as "-"), and the jar built if missing.

mkdir -p "$WORK"
rm -rf "$LOGS" "$WORK/s3" "$WORK/tmp" "$WORK/baseline" "$WORK/conf" "$WORK/results.tsv"
mkdir -p "$LOGS" "$WORK/s3" "$WORK/tmp" "$WORK/baseline" "$WORK/conf"
: >"$WORK/results.tsv"
START_EPOCH=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

command -v psql >/dev/null || die "psql is not installed"
command -v gzip >/dev/null || die "gzip is not installed"
command -v java >/dev/null || die "java is not installed"
pg_isready -q || die "PostgreSQL is not accepting connections at $PGHOST:$PGPORT"

TIME_BIN=/usr/bin/time
if [ ! -x "$TIME_BIN" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing GNU time (apt-get install time) for peak RSS"
    { apt-get update -q && apt-get install -y -q time; } >>"$LOGS/apt.log" 2>&1 || true
  fi
  [ -x "$TIME_BIN" ] || { say "no /usr/bin/time: CPU and peak RSS will be reported as -"; TIME_BIN=""; }
fi

if [ ! -f "$JAR" ]; then
  say "building $JAR"
  (cd "$ROOT" && mvn -q -DskipTests package) >"$LOGS/build.log" 2>&1 || die "build failed; see $LOGS/build.log"
fi
