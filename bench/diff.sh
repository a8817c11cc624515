#!/usr/bin/env bash
# issue 13.3: `diff` of two packs should cost about two runs, not more. Times `run` with each pack and
# `diff` of the two over the same roll (CSV form), one after the other, with CPU time and peak memory.
# Usage: bench/diff.sh [PUPILS] [OLD_PACK] [NEW_PACK] [AS_OF]
#   bench/diff.sh 250000 england hertfordshire 2026-03-20
set -euo pipefail
cd "$(dirname "$0")/.."
pupils=${1:-100000}
old=${2:-england}
new=${3:-hertfordshire}
as_of=${4:-2026-03-20}
build=${BUILD:-build}
waymark="$build/waymark"
roll=${ROLL_DIR:-/tmp/waymark-roll-$pupils-2025-09-01-$as_of}
[[ -x "$waymark" ]] || scripts/build >/dev/null
if [[ ! -f "$roll/attendance.csv" ]]; then
  echo "generating $pupils pupils (2025-09-01 to $as_of) into $roll" >&2
  "$waymark" gen --pupils "$pupils" --seed 7 --from 2025-09-01 --to "$as_of" --out "$roll" >/dev/null
fi
work=$(mktemp -d /tmp/waymark-diff-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $pupils pupils, as of $as_of"
timed() {  # label, command...: prints the line and leaves "wall cpu" in $work/last
  local label=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r wall user sys peak < "$work/time"
  local cpu
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
  printf '%-40s %7.2f s wall, %7.2f s CPU, %6d MiB peak\n' "$label" "$wall" "$cpu" $((peak / 1024))
  echo "$wall $cpu" > "$work/last"
}
timed "run --pack $old" "$waymark" run --pack "$old" --cases "$roll" --as-of "$as_of" --format csv --out "$work/old.csv"
read -r old_wall old_cpu < "$work/last"
timed "run --pack $new" "$waymark" run --pack "$new" --cases "$roll" --as-of "$as_of" --format csv --out "$work/new.csv"
read -r new_wall new_cpu < "$work/last"
timed "diff --pack $old --pack $new" "$waymark" diff --pack "$old" --pack "$new" --cases "$roll" --as-of "$as_of"
read -r diff_wall diff_cpu < "$work/last"
awk -v dw="$diff_wall" -v dc="$diff_cpu" -v w="$(awk -v a="$old_wall" -v b="$new_wall" 'BEGIN { print a + b }')" \
  -v c="$(awk -v a="$old_cpu" -v b="$new_cpu" 'BEGIN { print a + b }')" \
  'BEGIN { printf "diff / (the two runs): %.2f wall, %.2f CPU\n", dw / w, dc / c }'
