#!/usr/bin/env bash
# Times whole runs as a user would: generate a synthetic roll (CSV form), then `waymark run` over it,
# reporting wall time and peak memory. Usage: bench/whole_run.sh [PUPILS] [PACK] [FROM] [TO]
#   bench/whole_run.sh 250000 england 2025-09-01 2026-07-22   # a local authority's roll, a year of marks
set -euo pipefail
cd "$(dirname "$0")/.."
pupils=${1:-100000}
pack=${2:-england}
from=${3:-2025-09-01}
to=${4:-2026-07-22}
as_of=${AS_OF:-2026-07-22}
roll=${ROLL_DIR:-/tmp/waymark-roll-$pupils-$from-$to}
[[ -x build/waymark ]] || scripts/build >/dev/null
if [[ ! -f "$roll/attendance.csv" ]]; then
  echo "generating $pupils pupils ($from to $to) into $roll" >&2
  build/waymark gen --pupils "$pupils" --seed 7 --from "$from" --to "$to" --out "$roll" >/dev/null
fi
du -sh "$roll" >&2
for format in text json; do
  out=$(mktemp)
  /usr/bin/time -f "%e s wall, %U s user, %M KiB peak" -o "$out.time" \
    build/waymark run --pack "$pack" --cases "$roll" --as-of "$as_of" --format "$format" --out "$out"
  echo "run --pack $pack, $pupils pupils, --format $format: $(cat "$out.time")"
  rm -f "$out" "$out.time"
done
