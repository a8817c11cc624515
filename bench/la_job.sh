#!/usr/bin/env bash
# The whole LA job of issue 13, from SQLite: a synthetic roll imported with `gen --db`, then
# `run --db` with Hertfordshire (which extends England) storing its flags and explanations, timed
# beside SQLite's own read of the same rows (the sqlite3 shell reading every column of every current
# pupil version and record). Each run stores a new run in a copy of the database; peak memory is
# reported for every output format.
# Usage: bench/la_job.sh [PUPILS] [TO]
#   bench/la_job.sh 250000 2026-03-20      # what docs/performance.md reports
set -euo pipefail
cd "$(dirname "$0")/.."
pupils=${1:-250000}
to=${2:-2026-03-20}
pack=${PACK:-hertfordshire}
build=${BUILD:-build}
waymark=${WAYMARK:-$build/waymark}
db=${DB:-/tmp/waymark-la-$pupils-$to.db}
[[ -x "$waymark" ]] || scripts/build >/dev/null
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 2; }
if [[ ! -f "$db" ]]; then
  echo "generating $pupils pupils (seed 3, marks to $to) into $db" >&2
  "$waymark" gen --pupils "$pupils" --seed 3 --to "$to" --db "$db" >/dev/null
fi
work=$(mktemp -d /tmp/waymark-la-run-XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); database $(du -h "$db" | cut -f1)"
# SQLite's own read: every column the run reads, of every current version and its records.
read_all="SELECT count(*), sum(length(v.pupil_id)), sum(length(v.upn)), sum(length(v.name)), sum(length(v.attributes)),
  sum(length(v.marks_first)), sum(length(v.marks)), sum(length(v.digest))
  FROM pupils p JOIN pupil_versions v ON v.id = p.current_version;
SELECT count(*), sum(length(r.kind)), sum(length(r.record_id)), sum(length(r.anchor)), sum(length(r.end_date)),
  sum(length(r.fields)) FROM pupils p JOIN records r ON r.version_id = p.current_version;"
seconds() { awk -v u="$2" -v s="$3" -v w="$1" 'BEGIN { printf "%.2f s wall, %.2f s CPU", w, u + s }'; }
# The database is read once first, so that neither the read nor a run pays for the disk (another
# benchmark just before may have pushed it out of the page cache); then the read is timed three times
# and the middle one kept: a single read of 0.3 s varies by more than the ratio's own precision.
cat "$db" > /dev/null
for i in 1 2 3; do
  /usr/bin/time -f "%e %U %S %M" -o "$work/read$i.t" sqlite3 "$db" "$read_all" > "$work/read.out"
done
read -r rw ru rs rm < <(cat "$work"/read[123].t | sort -g | sed -n 2p)
echo "sqlite3 reading every stored row: $(seconds "$rw" "$ru" "$rs"), $((rm / 1024)) MiB ($(tr '\n' ' ' < "$work/read.out"))"
for format in ${FORMATS:-csv text json html}; do
  cp "$db" "$work/run.db"  # each run is stored: start each from the same database
  /usr/bin/time -f "%e %U %S %M" -o "$work/run.t" "$waymark" run --pack "$pack" --db "$work/run.db" --as-of "$to" \
    --format "$format" --out "$work/report.$format" 2> "$work/run.err" || { cat "$work/run.err" >&2; exit 1; }
  read -r ww wu ws wm < "$work/run.t"
  printf 'run --db --format %-4s: %s, %5d MiB peak, report %s: %.1f times the read (wall)\n' "$format" \
    "$(seconds "$ww" "$wu" "$ws")" $((wm / 1024)) "$(du -h "$work/report.$format" | cut -f1)" "$(echo "$ww / $rw" | bc -l)"
  grep -o 'stored as run [0-9]*[^;]*' "$work/run.err" | cut -c1-90 | sed 's/^/  /'
  rm -f "$work/report.$format"
done
