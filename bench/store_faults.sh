#!/usr/bin/env bash
# The store's fault behaviour at scale, with the real binary (docs/store.md, "Faults"):
#  1. SIGKILL of import, run and ack at random moments, many times; after each, SQLite's integrity
#     check and `waymark audit verify` must pass and every stored run must have all its flags;
#  2. two processes importing and running at once: all their imports and runs are stored, verify passes;
#  3. a really full disk (a small tmpfs; needs root) and a read-only database: clear errors, nothing stored.
# Usage: bench/store_faults.sh [KILLS (default 200)] [PUPILS]     (BUILD=build-store for another build folder)
#   KILLS counts commands really killed mid-way: a command that finishes before its kill does not count,
#   and the loop goes on until KILLS have been killed (at most 5 x KILLS commands).
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-200}  # issue 10: at least 200 kills across import, run and ack
pupils=${2:-20000}
build=${BUILD:-build}
waymark="$(pwd)/$build/waymark"
work=$(mktemp -d /tmp/waymark-store-faults-XXXXXX)
cleanup() {
  mountpoint -q "$work/small" 2>/dev/null && umount "$work/small"
  chattr -i "$work/ro.db" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
[[ -x "$waymark" ]] || scripts/build >/dev/null
"$waymark" gen --pupils "$pupils" --seed 1 --to 2025-11-17 --out "$work/roll-a" > /dev/null
"$waymark" gen --pupils "$pupils" --seed 2 --to 2025-11-17 --out "$work/roll-b" > /dev/null

check() {  # db, what
  local ok
  ok=$(sqlite3 "$1" "PRAGMA integrity_check")
  [[ "$ok" == ok ]] || { echo "FAIL after $2: integrity_check says $ok"; exit 1; }
  local partial
  partial=$(sqlite3 "$1" "SELECT count(*) FROM runs r WHERE r.flags <> (SELECT count(*) FROM flags f WHERE f.run_id = r.id)")
  [[ "$partial" == 0 ]] || { echo "FAIL after $2: $partial runs without all their flags"; exit 1; }
  "$waymark" audit verify --db "$1" > "$work/verify" 2>&1 || { echo "FAIL after $2:"; cat "$work/verify"; exit 1; }
}

# 1. Kills at random moments.
db="$work/killed.db"
"$waymark" import --db "$db" "$work/roll-a" > /dev/null
ms() { date +%s%3N; }
t0=$(ms); "$waymark" import --db "$work/t.db" "$work/roll-b" > /dev/null; import_ms=$(($(ms) - t0))
t0=$(ms); "$waymark" run --pack england --db "$db" --as-of 2025-11-17 --format csv > /dev/null 2>&1; run_ms=$(($(ms) - t0))
echo "uninterrupted: import $import_ms ms, run $run_ms ms ($pupils pupils)"
killed=0
declare -A by_command=([import]=0 [run]=0 [ack]=0)
for ((i = 1; killed < kills; i++)); do
  if ((i > 5 * kills)); then echo "FAIL: only $killed of $((i - 1)) commands were killed mid-way"; exit 1; fi
  case $((i % 3)) in
    0) roll=$work/roll-a; [[ $((i % 2)) == 0 ]] && roll=$work/roll-b
       cmd=("$waymark" import --db "$db" "$roll"); limit=$import_ms ;;
    1) cmd=("$waymark" run --pack england --db "$db" --as-of 2025-11-17 --format csv); limit=$run_ms ;;
    2) cmd=("$waymark" ack --db "$db" "$((RANDOM % 50 + 1))" --by Tester --note "kill $i"); limit=60 ;;
  esac
  "${cmd[@]}" > /dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v l="$limit" -v r="$RANDOM" 'BEGIN { printf "%.3f", l * 1.1 * r / 32768 / 1000 }')"
  kill -KILL "$pid" 2>/dev/null || true
  # A kill counts only when SIGKILL ended the command (status 128 + 9): `kill` also succeeds on a
  # command that had already finished but was not yet waited for.
  code=0
  wait "$pid" 2>/dev/null || code=$?
  if ((code == 137)); then
    killed=$((killed + 1))
    by_command[${cmd[1]}]=$((${by_command[${cmd[1]}]} + 1))
  fi
  check "$db" "kill $i (${cmd[1]})"
done
echo "1. $killed of $((i - 1)) commands killed mid-way by SIGKILL (import ${by_command[import]}, run ${by_command[run]}, ack ${by_command[ack]}); after every command: integrity ok, verify intact (0 inconsistent databases)"
echo "   stored: $(sqlite3 "$db" "SELECT count(*) FROM imports") imports, $(sqlite3 "$db" "SELECT count(*) FROM runs") runs, $(sqlite3 "$db" "SELECT count(*) FROM acks") acknowledgements"

# 2. Two writers at once.
db="$work/shared.db"
"$waymark" import --db "$db" "$work/roll-a" > /dev/null
writer() {  # roll, rounds
  for ((k = 0; k < $2; k++)); do
    "$waymark" import --db "$db" "$1" > /dev/null || exit 1
    "$waymark" run --pack england --db "$db" --as-of 2025-11-17 --format csv > /dev/null 2>&1 || exit 1
  done
}
writer "$work/roll-b" 3 & a=$!
writer "$work/roll-a" 3 & b=$!
wait $a && wait $b || { echo "FAIL: a concurrent writer failed"; exit 1; }
check "$db" "concurrent writers"
imports=$(sqlite3 "$db" "SELECT count(*) FROM imports")
runs=$(sqlite3 "$db" "SELECT count(*) FROM runs")
[[ $imports == 7 && $runs == 6 ]] || { echo "FAIL: expected 7 imports and 6 runs, found $imports and $runs"; exit 1; }
echo "2. two processes importing and running at once: 7 imports and 6 runs stored, verify intact"

# 3. A full disk and a read-only database.
if [[ $(id -u) == 0 ]] && mkdir -p "$work/small" && mount -t tmpfs -o size=6m tmpfs "$work/small" 2>/dev/null; then
  "$waymark" gen --pupils 500 --seed 3 --to 2025-11-17 --out "$work/small-roll" > /dev/null
  "$waymark" import --db "$work/small/school.db" "$work/small-roll" > /dev/null
  # Whatever the roll's size: fill the disk, then leave 64 KiB, less than any import of roll-a needs.
  dd if=/dev/zero of="$work/small/filler" bs=64k 2> /dev/null || true
  truncate -s "-64K" "$work/small/filler"
  set +e
  "$waymark" import --db "$work/small/school.db" "$work/roll-a" > "$work/out" 2> "$work/err"
  code=$?
  set -e
  grep -q "disk is full" "$work/err" && [[ $code == 3 ]] || { echo "FAIL: full disk gave exit $code:"; cat "$work/err"; exit 1; }
  check "$work/small/school.db" "a full disk"
  echo "3. full disk (6 MB tmpfs, 64 KiB left): exit 3, '$(grep -o 'cannot store.*full[^;]*' "$work/err" | head -1)'; database unchanged, verify intact"
else
  echo "3. full disk: skipped (needs root to mount a small tmpfs)"
fi
cp "$work/killed.db" "$work/ro.db"
if [[ $(id -u) == 0 ]]; then chattr +i "$work/ro.db"; else chmod 0400 "$work/ro.db"; fi
set +e
"$waymark" ack --db "$work/ro.db" 1 --by Tester --note "read-only" > /dev/null 2> "$work/err"
code=$?
set -e
grep -q "read-only" "$work/err" && [[ $code == 3 ]] || { echo "FAIL: read-only gave exit $code:"; cat "$work/err"; exit 1; }
"$waymark" history --db "$work/ro.db" --pupil P-0000001 > /dev/null
echo "   read-only database: ack exits 3 ('the database is read-only ...'), history still reads it"
