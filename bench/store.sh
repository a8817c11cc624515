#!/usr/bin/env bash
# Times the store as an LA would use it: import a synthetic roll (CSV form) into a fresh database, run
# over it (the run and its flags are stored), re-import it unchanged, verify the audit chain; with wall
# time, CPU time and peak memory of each, import rows per second and the database's size.
# Usage: bench/store.sh [PUPILS] [FROM] [TO] [AS_OF]
#   bench/store.sh 250000 2025-09-01 2025-11-17 2025-11-17   # an LA's roll, marks for the autumn so far
#   BUILD=build-store bench/store.sh 100000                    # another build folder
set -euo pipefail
cd "$(dirname "$0")/.."
pupils=${1:-100000}
from=${2:-2025-09-01}
to=${3:-2025-11-17}
as_of=${4:-$to}
pack=${PACK:-england}
build=${BUILD:-build}
waymark="$build/waymark"
roll=${ROLL_DIR:-/tmp/waymark-roll-$pupils-$from-$to}
work=$(mktemp -d /tmp/waymark-store-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
[[ -x "$waymark" ]] || scripts/build >/dev/null
if [[ ! -f "$roll/attendance.csv" ]]; then
  echo "generating $pupils pupils ($from to $to) into $roll" >&2
  "$waymark" gen --pupils "$pupils" --seed 7 --from "$from" --to "$to" --out "$roll" >/dev/null
fi
rows=0
for f in pupils records attendance; do
  n=$(($(wc -l < "$roll/$f.csv") - 1))
  echo "$f.csv: $n rows" >&2
  rows=$((rows + n))
done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
db="$work/la.db"
timed() {  # label, command...
  local label=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > "$work/out" 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r wall user sys peak < "$work/time"
  printf '%-34s %7.2f s wall, %7.2f s CPU (user+sys), %6d MiB peak\n' "$label" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" $((peak / 1024))
}
timed "import ($pupils pupils)" "$waymark" import --db "$db" "$roll"
grep -o 'in [0-9.]* s: .*' "$work/out" | sed 's/^/  waymark: /'
awk -v r="$rows" -v w="$wall" -v c="$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" \
  'BEGIN { printf "  %d CSV rows: %d rows/s wall, %d rows/s CPU\n", r, r / w, r / c }'
timed "run --db ($pupils pupils, stored)" "$waymark" run --pack "$pack" --db "$db" --as-of "$as_of" --format csv --out "$work/run.csv"
sed 's/^/  /' "$work/err" | cut -c1-100
timed "run --cases (same roll, not stored)" "$waymark" run --pack "$pack" --cases "$roll" --as-of "$as_of" --format csv --out "$work/cases.csv"
cmp -s "$work/run.csv" "$work/cases.csv" && echo "  the two reports are byte-identical"
timed "re-import (all unchanged)" "$waymark" import --db "$db" "$roll"
timed "audit verify" "$waymark" audit verify --db "$db"
head -1 "$work/out" | cut -c1-160 | sed 's/^/  /'
timed "history --pupil P-0000042" "$waymark" history --db "$db" --pupil P-0000042
echo "database: $(du -h "$db" | cut -f1) ($(du -m "$roll" | tail -1 | cut -f1) MiB of CSV)"
