#!/usr/bin/env bash
# Two builds of waymark timed alternately on the same job (old, new, old, new, ...), so that the
# machine's drift within the hour falls on both alike: quote the two medians side by side.
# Usage:
#   bench/ab.sh import OLD NEW ROLL [ROUNDS]       # `import --db` of a CSV roll into a new file each time
#   bench/ab.sh run OLD NEW DB AS_OF [ROUNDS]      # `run --db` (PACK, FORMAT) on a fresh copy of DB each time
#   bench/ab.sh six OLD NEW [PUPILS] [ROUNDS]      # the six-rule peer job from its CSV form (bench/peers.sh made it)
#   bench/ab.sh import /tmp/waymark-old build/waymark /tmp/waymark-roll-250000-2025-09-01-2026-03-20 3
set -euo pipefail
job=${1:?import or run}
old=${2:?the old binary}
new=${3:?the new binary}
shift 3
work=$(mktemp -d /tmp/waymark-ab-XXXXXX)
trap 'rm -rf "$work"' EXIT
case "$job" in
  import) roll=${1:?a CSV roll folder}; rounds=${2:-3} ;;
  run) db=${1:?a database}; as_of=${2:?an as-of date}; rounds=${3:-3} ;;
  six)
    peers=${PEERS_DIR:-/tmp/waymark-peers}
    cases="$peers/data/${1:-250000}/csv"
    rounds=${2:-5}
    [[ -f "$peers/waymark/six/pack.yaml" && -d "$cases" ]] || { echo "run bench/peers.sh ${1:-250000} first" >&2; exit 2; }
    ;;
  *) echo "usage: bench/ab.sh import|run|six OLD NEW ..." >&2; exit 2 ;;
esac
once() {  # binary: prints its wall seconds
  local bin=$1
  rm -f "$work"/job.db*
  if [[ "$job" == six ]]; then
    /usr/bin/time -f "%e" -o "$work/t" "$bin" run --pack "$peers/waymark/six" --cases "$cases" --as-of 2025-11-17 \
      --format csv --out "$work/report" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  elif [[ "$job" == import ]]; then
    /usr/bin/time -f "%e" -o "$work/t" "$bin" import --db "$work/job.db" "$roll" > /dev/null 2> "$work/err" ||
      { cat "$work/err" >&2; exit 1; }
  else
    cp "$db" "$work/job.db"
    /usr/bin/time -f "%e" -o "$work/t" "$bin" run --pack "${PACK:-hertfordshire}" --db "$work/job.db" --as-of "$as_of" \
      --format "${FORMAT:-text}" --out "$work/report" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  fi
  tail -n1 "$work/t"
}
olds=()
news=()
for ((i = 1; i <= rounds; i++)); do
  olds+=("$(once "$old")")
  news+=("$(once "$new")")
  echo "round $i: old ${olds[-1]} s, new ${news[-1]} s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
least() { printf '%s\n' "$@" | sort -g | head -n1; }
echo "median of $rounds: old $(median "${olds[@]}") s, new $(median "${news[@]}") s (fastest: old $(least "${olds[@]}") s, new $(least "${news[@]}") s)"
