#!/usr/bin/env bash
# The peer comparison of issue 13: the six-rule job of ../shared/peers at N pupils, Waymark (CSV form)
# and json-rules-engine (the fastest peer; JSON form) timed side by side in one run, and their flags
# compared line by line. The ratio, not the absolute time, is the figure: the machine is shared.
# Usage: bench/peers.sh [PUPILS] [REPEAT]
#   bench/peers.sh 250000 3     # what docs/performance.md reports
# Needs node and npm (json-rules-engine@7.3.1 is installed into the copy), python3, /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
pupils=${1:-250000}
repeat=${2:-1}
build=${BUILD:-build}
waymark="$root/$build/waymark"
peers=${PEERS_DIR:-/tmp/waymark-peers}
shared=${SHARED_PEERS:-$root/../shared/peers}
[[ -x "$waymark" ]] || scripts/build >/dev/null
# The shared folder is read-only: work in a copy (its README says so).
if [[ ! -f "$peers/harness.py" ]]; then
  mkdir -p "$peers"
  cp -r "$shared"/. "$peers"/
fi
if [[ ! -d "$peers/node/node_modules/json-rules-engine" ]]; then
  npm install --silent --prefix "$peers/node" json-rules-engine@7.3.1 >/dev/null
fi
data="$peers/data/$pupils"
if [[ ! -f "$data/caseload.json" ]]; then
  echo "generating $pupils pupils (seed 1) into $data" >&2
  python3 "$peers/gen.py" "$pupils" 1 "$data" >/dev/null
fi
# The six rules as a pack (waymark/six/README.md): the product's vocabulary, the data's calendar.
pack="$peers/waymark/six"
cp "$root/rules/england/vocabulary.yaml" "$pack/vocabulary.yaml"
cp "$data/calendar.yaml" "$pack/calendar.yaml"
printf 'pack: b6\nversion: "1"\ncalendar: calendar.yaml\nvocabulary: vocabulary.yaml\n' > "$pack/pack.yaml"

work=$(mktemp -d /tmp/waymark-peers-run-XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
timed() {  # label, output file, command...: prints "wall cpu peak" into $work/<label>.t
  local label=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/$label.t" "$@" > /dev/null 2> "$work/$label.err" ||
    { cat "$work/$label.err" >&2; exit 1; }
}
# Waymark's CSV rows -> `pupil_id rule_id bound_id` (bound: first evidence id for r5/r6, '-' otherwise).
to_lines() {
  python3 - "$1" <<'EOF'
import csv, sys
out = []
with open(sys.argv[1], newline='') as f:
    for row in csv.DictReader(f):
        if row['entry'] != 'flag':  # the CSV report also lists due entries (deadlines not yet passed)
            continue
        rule = row['rule'].split('/')[-1].split('-')[0].upper()
        bound = row['evidence'].split('; ')[0] if rule in ('R5', 'R6') else '-'
        out.append(f"{row['pupil_id']} {rule} {bound}")
sys.stdout.buffer.write(''.join(l + '\n' for l in sorted(out, key=lambda s: s.encode())).encode())
EOF
}
# Both inputs read once first, so that no run pays for reading the disk (another benchmark just before
# may have pushed them out of the page cache): each engine is timed on its own work.
cat "$data"/csv/* "$data/caseload.json" > /dev/null
for ((i = 1; i <= repeat; i++)); do
  timed waymark "$waymark" run --pack "$pack" --cases "$data/csv" --as-of 2025-11-17 --format csv --out "$work/waymark.csv"
  timed jre node "$peers/jre/run.js" "$data/caseload.json" "$work/jre.txt"
  read -r ww wu ws wm < "$work/waymark.t"
  read -r jw ju js jm < "$work/jre.t"
  to_lines "$work/waymark.csv" > "$work/waymark.txt"
  differ=$(LC_ALL=C comm -3 <(LC_ALL=C sort "$work/waymark.txt") <(LC_ALL=C sort "$work/jre.txt") | wc -l)
  printf 'run %d, %d pupils: waymark %.2f s wall (%.2f s CPU, %d MiB), json-rules-engine %.2f s wall (%.2f s CPU, %d MiB): waymark %.1fx faster; %d flags, %d lines differ\n' \
    "$i" "$pupils" "$ww" "$(echo "$wu + $ws" | bc)" $((wm / 1024)) "$jw" "$(echo "$ju + $js" | bc)" $((jm / 1024)) \
    "$(echo "$jw / $ww" | bc -l)" "$(wc -l < "$work/jre.txt")" "$differ"
done
