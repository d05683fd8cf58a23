#!/usr/bin/env bash
# The scripts' liveness check (is_running in scripts/lib.sh) takes neither a zombie nor an
# exited pid for a running process, and does take a live one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scratch="$(mktemp -d)"
holder=""
cleanup() {
  [[ -n "$holder" ]] && kill "$holder" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT
export EDAOBS_RUN_DIR="$scratch/run"
# shellcheck source=../../scripts/lib.sh
source "$root/scripts/lib.sh"
mkdir -p "$PID_DIR"
failures=0
check() {  # check <description> <expected: running|not-running> <name>
  local got=not-running
  if is_running "$3"; then got=running; fi
  if [[ "$got" == "$2" ]]; then echo "ok: $1"; else echo "FAIL: $1: expected $2, got $got"; failures=$((failures + 1)); fi
}

# A zombie: the child exits once its parent has exec'd into sleep, which never reaps it. (A child
# that exits at once may be reaped by bash before the exec, and then there is no zombie.)
bash -c 'parent=$$; (while [[ "$(cat /proc/$parent/comm)" != sleep ]]; do sleep 0.01; done) &
  echo $! >"$1"; exec sleep 60' _ "$scratch/zombie.pid" &
holder=$!
deadline=$((SECONDS + 10))
until [[ -s "$scratch/zombie.pid" ]] && grep -q ') Z ' "/proc/$(cat "$scratch/zombie.pid")/stat" 2>/dev/null; do
  ((SECONDS < deadline)) || { echo "FAIL: no zombie appeared within 10 s"; exit 1; }
  sleep 0.05
done
zombie="$(cat "$scratch/zombie.pid")"
kill -0 "$zombie" || { echo "FAIL: kill -0 no longer sees the zombie; the test proves nothing"; exit 1; }
echo "$zombie" >"$(pid_file zombie)"
check "a zombie pid is not running" not-running zombie

echo "$holder" >"$(pid_file live)"
check "a live pid is running" running live

sleep 0 & exited=$!
wait "$exited"
echo "$exited" >"$(pid_file exited)"
check "an exited, reaped pid is not running" not-running exited
check "no pid file is not running" not-running never-started
echo "not-a-pid" >"$(pid_file garbage)"
check "a pid file without a pid is not running" not-running garbage

((failures == 0)) || exit 1
