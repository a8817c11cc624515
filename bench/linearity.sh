#!/usr/bin/env bash
# Is the cost linear in pupils and in rules? `waymark run` (CSV form, --format csv) at 25k, 100k and
# 250k pupils (a year of marks) and with 1x, 4x and 16x the England rules (copies of its rules
# under new ids, its parameters declared once). Prints a Markdown table of wall and CPU seconds, and
# writes an SVG plot (bench/plot_linearity.py, no dependency beyond python3).
# Usage: bench/linearity.sh [OUT.svg]
#   bench/linearity.sh docs/performance-linearity.svg
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
svg=${1:-docs/performance-linearity.svg}
build=${BUILD:-build}
waymark=${WAYMARK:-$root/$build/waymark}
sizes=${SIZES:-25000 100000 250000}
factors=${FACTORS:-1 4 16}
as_of=2026-03-20
[[ -x "$waymark" ]] || scripts/build >/dev/null
work=$(mktemp -d /tmp/waymark-linearity-XXXXXX)
trap 'rm -rf "$work"' EXIT
# Packs with k copies of the England rules.
for k in $factors; do
  pack="$work/england-x$k"
  cp -r rules/england "$pack"
  sed -i "s/^pack: england$/pack: england_x$k/" "$pack/pack.yaml"
  for ((c = 2; c <= k; c++)); do
    for f in rules/england/*.wmk; do
      sed -e '/^param /d' -e "s/^rule \([a-z0-9-]*\)/rule \1-c$c/" "$f" > "$pack/$(basename "$f" .wmk)-c$c.wmk"
    done
  done
  rules=$(cat "$pack"/*.wmk | grep -c '^rule ')
  echo "$rules" > "$pack.rules"
  echo "pack england-x$k: $rules rules" >&2
done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
results="$work/results.tsv"
for n in $sizes; do
  roll=${ROLL_BASE:-/tmp/waymark-roll}-$n-2025-09-01-$as_of
  if [[ ! -f "$roll/attendance.csv" ]]; then
    echo "generating $n pupils into $roll" >&2
    "$waymark" gen --pupils "$n" --seed 7 --to "$as_of" --out "$roll" >/dev/null
  fi
  for k in $factors; do
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$waymark" run --pack "$work/england-x$k" --cases "$roll" \
      --as-of "$as_of" --format csv --out "$work/out.csv" 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r w u s m < "$work/t"
    flags=$(($(wc -l < "$work/out.csv") - 1))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$k" "$w" "$(echo "$u + $s" | bc)" $((m / 1024)) "$flags" \
      "$(cat "$work/england-x$k.rules")" | tee -a "$results" >&2
  done
done
echo "| pupils | rules | wall s | CPU s | peak MiB | flags | CPU µs per pupil per rule |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
while IFS=$'\t' read -r n k w c m f r; do
  awk -v n="$n" -v r="$r" -v w="$w" -v c="$c" -v m="$m" -v f="$f" \
    'BEGIN { printf "| %d | %d | %.2f | %.2f | %d | %d | %.3f |\n", n, r, w, c, m, f, c * 1e6 / (n * r) }'
done < "$results"
python3 bench/plot_linearity.py "$results" "$svg"
echo "plot: $svg" >&2
