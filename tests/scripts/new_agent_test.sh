#!/usr/bin/env bash
# scripts/new-agent.sh in a scratch copy of the repository (never the real one): each refusal
# (bad name, taken port, existing folder, bad topic, bad template) exits 2 with a message and
# changes no file; a good run from each template creates the agent's files and registrations,
# and the configuration checks still pass on the result (promtool on both target layouts, the
# compose cross-check and the compose validator).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export EDAOBS_STACK_DIR="${EDAOBS_STACK_DIR:-$root/.stack}"  # the compose validator's cached binary
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
repo="$scratch/repo"
failures=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The repository's files as they are in the working tree (tracked ones), in a git repo of its own
# so `git status` shows whatever the script changed.
mkdir -p "$repo"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$repo" 2>/dev/null) || true
git -C "$repo" init -q
git -C "$repo" -c user.name=t -c user.email=t@t add -A
git -C "$repo" -c user.name=t -c user.email=t@t commit -qm scratch
# With EDAOBS_ROOT naming the real repository, as ctest sets it: the script must still edit only
# the copy it belongs to (checked at the end).
real_status="$(git -C "$root" status --porcelain)"
new_agent() { EDAOBS_ROOT="$root" "$repo/scripts/new-agent.sh" "$@"; }

# refused <description> <expected message part> <args...>: exit 2, the message, nothing changed.
refused() {
  local what=$1 expect=$2 out status=0
  shift 2
  out="$(new_agent "$@" 2>&1)" || status=$?
  local changed
  changed="$(git -C "$repo" status --porcelain)"
  if [[ $status -ne 2 ]]; then fail "$what: exit $status, expected 2 ($out)"
  elif [[ "$out" != *"$expect"* ]]; then fail "$what: message '$out' lacks '$expect'"
  elif [[ -n "$changed" ]]; then fail "$what: changed files:"$'\n'"$changed"; git -C "$repo" checkout -q . && git -C "$repo" clean -qfd
  else ok "$what refused: $out"; fi
}

refused "uppercase name" "bad name 'Auditor'" Auditor --from enricher
refused "name starting with a digit" "bad name '1x'" 1x --from enricher
refused "name with '_'" "bad name 'my_agent'" my_agent --from enricher
refused "name over 30 characters" "longer than 30" "a$(printf 'b%.0s' {1..30})" --from enricher
refused "name of a compose service" "taken by a compose service" prometheus --from enricher
refused "C++ keyword" "C++ keyword" delete --from recorder
refused "existing agent folder" "agents/enricher already exists" enricher --from recorder
mkdir -p "$repo/agents/half-done" && touch "$repo/agents/half-done/.keep"
git -C "$repo" -c user.name=t -c user.email=t@t add -A
git -C "$repo" -c user.name=t -c user.email=t@t commit -qm half
refused "existing folder that is no agent" "agents/half-done already exists" half-done --from enricher
refused "port of another agent" "port 8081 is taken by agents/enricher" auditor --from enricher --port 8081
refused "port of the stack" "port 9090 is taken by the stack" auditor --from enricher --port 9090
refused "port that is not a number" "bad port 'http'" auditor --from enricher --port http
refused "privileged port" "bad port '80'" auditor --from enricher --port 80
refused "unknown template" "--from must be" auditor --from sink
refused "no template" "--from" auditor
refused "bad topic" "bad topic for --input" auditor --from enricher --input 'a topic'
refused "dead-letter topic" "ends in .dlq" auditor --from enricher --output events.raw.dlq
refused "input equals output" "consume its own output" auditor --from enricher --input x --output x
refused "input for a producer" "consumes nothing" auditor --from publisher --input x
refused "unknown option" "unknown option" auditor --from enricher --colour red

# expect_file <path relative to the repo> <text it must contain>
expect_in() {
  if grep -qF -- "$2" "$repo/$1"; then ok "$1 has $2"; else fail "$1 lacks $2"; fi
}

# A good run per template.
if out="$(new_agent auditor --from enricher --port 8090 --input events.enriched --output events.audited 2>&1)"; then
  ok "auditor created"
else
  fail "auditor --from enricher failed: $out"
fi
for f in main.cpp auditor_step.h auditor_step.cpp test/auditor_step_test.cpp CMakeLists.txt README.md; do
  [[ -f "$repo/agents/auditor/$f" ]] && ok "agents/auditor/$f" || fail "agents/auditor/$f is missing"
done
[[ ! -e "$repo/agents/auditor/enrichment.h" ]] && ok "enrichment.h renamed" || fail "agents/auditor/enrichment.h is still there"
expect_in agents/auditor/main.cpp 'kAgent{"auditor", "1.0.0", 8090}'
expect_in agents/auditor/main.cpp '"EDAOBS_INPUT_TOPIC", "events.enriched"'
expect_in agents/auditor/main.cpp '"EDAOBS_OUTPUT_TOPIC", "events.audited"'
expect_in agents/auditor/main.cpp 'return agent.consume(consumer, enrich'
expect_in agents/auditor/main.cpp 'auditor::enrich('
expect_in agents/auditor/test/auditor_step_test.cpp 'using edaobs::auditor::enrich;'
expect_in agents/auditor/CMakeLists.txt 'edaobs_add_agent(auditor SOURCES auditor_step.cpp)'
leftover="$(grep -rnw enricher "$repo/agents/auditor" --include='*.cpp' --include='*.h' --include=CMakeLists.txt || true)"
[[ -z "$leftover" ]] && ok "no 'enricher' left in agents/auditor's code" || fail "agents/auditor still names the enricher: $leftover"
expect_in scripts/agents-up.sh '"recorder 8082" "auditor 8090")'
expect_in observability/prometheus/targets/native/agents.json '"127.0.0.1:8090"'
expect_in observability/prometheus/targets/compose/agents.json '"auditor:8090"'
expect_in docker-compose.yml 'entrypoint: ["/usr/local/bin/auditor"]'
expect_in docker-compose.cluster.yml '  auditor:'
expect_in Dockerfile 'ARG AGENTS="publisher enricher recorder auditor"'
commit() { git -C "$repo" -c user.name=t -c user.email=t@t add -A && git -C "$repo" -c user.name=t -c user.email=t@t commit -qm "$1"; }
commit auditor  # from here on, a refusal must leave the tree with the auditor as it is
refused "the same name twice" "agents/auditor already exists" auditor --from recorder
refused "the new agent's port" "port 8090 is taken by agents/auditor" sink --from recorder --port 8090

out="$(new_agent sink-2 --from recorder 2>&1)" && ok "sink-2 --from recorder (default port)" || fail "sink-2: $out"
expect_in agents/sink-2/main.cpp 'kAgent{"sink-2", "1.0.0", 8083}'
expect_in agents/sink-2/main.cpp 'sink_2::age_seconds(created'
expect_in agents/sink-2/sink_2_step.h 'namespace edaobs::sink_2'
# Through make, as README tells it.
out="$(make -s -C "$repo" new-agent NAME=source FROM=publisher OUTPUT=events.src 2>&1)" && ok "make new-agent NAME=source FROM=publisher" || fail "make new-agent: $out"
expect_in agents/source/main.cpp '"EDAOBS_OUTPUT_TOPIC", "events.src"'
expect_in agents/source/main.cpp 'source::EventFactory factory("/edaobs/" + std::string(kAgent.name))'
expect_in agents/source/test/source_step_test.cpp '#include "source_step.h"'

# The configuration checks on the result.
checks="$repo/tests/config"
for layout in native compose; do
  if out="$(PROMTOOL="${PROMTOOL:-promtool}" "$checks/check_prometheus_config.sh" "$layout" 2>&1)"; then ok "promtool check config ($layout)"; else fail "promtool ($layout): $out"; fi
done
if out="$(cd "$checks" && python3 -m unittest compose_crosscheck_test 2>&1)"; then ok "compose cross-check"; else fail "compose cross-check: $out"; fi
if out="$("$checks/validate_compose.sh" 2>&1)"; then ok "compose validator"; else fail "compose validator: $out"; fi
bash -n "$repo/scripts/agents-up.sh" && ok "agents-up.sh parses" || fail "agents-up.sh does not parse"

[[ "$(git -C "$root" status --porcelain)" == "$real_status" ]] && ok "the real repository is unchanged" ||
  fail "the real repository changed: $(git -C "$root" status --porcelain | head -5)"

if ((failures > 0)); then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed"
