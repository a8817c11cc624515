#!/usr/bin/env bash
# Speed must never change a decision: compares every report format, and the flags a run stores, of two
# waymark binaries byte for byte on the example caseload and a generated roll.
# Usage: bench/same_output.sh OLD_WAYMARK NEW_WAYMARK [ROLL_DIR]
#   bench/same_output.sh /tmp/waymark-main build/waymark /tmp/waymark-roll-25000-2025-09-01-2026-03-20
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1
new=$2
roll=${3:-}
work=$(mktemp -d /tmp/waymark-same-XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0
compare() {  # label, then arguments after `waymark`; REPORT names the output file argument
  local label=$1
  shift
  "$old" "$@" --out "$work/old" 2> /dev/null || true
  "$new" "$@" --out "$work/new" 2> /dev/null || true
  if cmp -s "$work/old" "$work/new"; then
    echo "same: $label ($(wc -c < "$work/new") bytes)"
  else
    echo "DIFFERENT: $label"
    status=1
  fi
  rm -f "$work/old" "$work/new"
}
cases=(examples/caseload)
[[ -n "$roll" ]] && cases+=("$roll")
for c in "${cases[@]}"; do
  for pack in england hertfordshire; do
    for as_of in 2025-11-17 2026-03-20; do
      for format in text json csv html; do
        compare "$c $pack $as_of $format" run --pack "rules/$pack" --cases "$c" --as-of "$as_of" --format "$format"
      done
      compare "$c $pack $as_of json --explain" run --pack "rules/$pack" --cases "$c" --as-of "$as_of" --format json --explain
    done
  done
  # (Packs by path: a pack found by name records its installed path in explanations.)
  # Through the store: import with each binary, run, and compare reports, every stored flag's and due
  # row's columns and pupil version. A flag's texts are compared as each binary reads them back: `audit
  # reproduce` checks every stored flag, explanation included, against the run's report evaluated again,
  # and the JSON reports (with every explanation) are compared across the binaries. (Since schema 4 the
  # texts are packed: their stored bytes differ from a build before it, and so do the flags' chain
  # digests, which is why the flag chain entries are compared only when FLAG_CHAIN=1.)
  for bin in old new; do
    b=${!bin}
    "$b" import --db "$work/$bin.db" --pack rules/hertfordshire "$c" > /dev/null
    "$b" run --pack rules/hertfordshire --db "$work/$bin.db" --as-of 2026-03-20 --format json --explain \
      --out "$work/$bin.json" 2> /dev/null
    chained="'due'"; [[ "${FLAG_CHAIN:-0}" == 1 ]] && chained="'flags', 'due'"
    sqlite3 "$work/$bin.db" "SELECT id, run_id, pupil_id, position, rule, bound_item, title, category, severity, tier,
        evidence FROM flags ORDER BY id; SELECT * FROM due ORDER BY id;
      SELECT seq, tbl, row_id, hex(content), hex(columns) FROM chain WHERE tbl IN ($chained) ORDER BY seq;
      SELECT pupil_id, attributes, hex(marks), hex(digest) FROM pupil_versions ORDER BY id;" > "$work/$bin.rows"
    "$b" audit verify --db "$work/$bin.db" > "$work/$bin.verify" 2>&1 || { echo "audit verify failed ($bin)"; status=1; }
    "$b" audit reproduce --db "$work/$bin.db" --pack rules/hertfordshire --run 1 > "$work/$bin.reproduce" 2>&1 ||
      { echo "audit reproduce failed ($bin): $(head -c 300 "$work/$bin.reproduce")"; status=1; }
  done
  for what in json rows; do
    if cmp -s "$work/old.$what" "$work/new.$what"; then echo "same: $c store $what"; else echo "DIFFERENT: $c store $what"; status=1; fi
  done
  rm -f "$work"/*.db "$work"/*.json "$work"/*.rows
done
exit $status
