#!/usr/bin/env bash
# new-agent.sh NAME --from publisher|enricher|recorder [--port P] [--input TOPIC] [--output TOPIC]
# Creates agents/NAME from one of the three agents (main.cpp with the names, port and topic
# defaults replaced, the domain file and its unit test renamed, a README) and registers it
# wherever the three are listed: scripts/agents-up.sh, both Prometheus target lists,
# docker-compose.yml (+ the cluster override) and the Dockerfile's agent list.
# Every check runs before anything is written: a refusal changes nothing.
set -euo pipefail
# Its own repository, never $EDAOBS_ROOT (the tests run a scratch copy with that set to the real one).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AGENTS_DIR="$ROOT/agents"

die() { printf 'new-agent: %s\n' "$*" >&2; exit 2; }
usage() {
  sed -n '2p' "${BASH_SOURCE[0]}" | sed 's/^# //'
  exit "${1:-2}"
}

# Ports the stack (native and compose) listens on; an agent must not take one.
STACK_PORTS=(3000 4317 4318 8888 8889 9090 9092 9093 9094 9095 9096 9428 13133 13134 14269 14317 14318
             16686 19093 19094 19095)
# Names compose already uses for a service, and build targets CMake or make define themselves.
RESERVED_NAMES=(kafka kafka-2 kafka-3 otel-collector jaeger victorialogs prometheus alertmanager grafana
                alert-webhook all bench clean help install test package edaobs)
# C++ keywords a namespace cannot be named (NAME with '-' as '_' becomes the domain's namespace).
CXX_KEYWORDS=" alignas alignof and asm auto bitand bitor bool break case catch char class compl concept
  const consteval constexpr constinit continue default delete do double else enum explicit export extern
  false float for friend goto if inline int long mutable namespace new noexcept not or private protected
  public register requires return short signed sizeof static struct switch template this throw true try
  typedef typeid typename union unsigned using virtual void volatile while xor "

NAME="" FROM="" PORT="" INPUT="" OUTPUT=""
parse_args() {
  [[ $# -gt 0 ]] || usage
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -h|--help) usage 0 ;;
      --from|--port|--input|--output)
        [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"
        case "$1" in --from) FROM=$2 ;; --port) PORT=$2 ;; --input) INPUT=$2 ;; --output) OUTPUT=$2 ;; esac
        shift 2 ;;
      --from=*|--port=*|--input=*|--output=*) set -- "${1%%=*}" "${1#*=}" "${@:2}" ;;
      -*) die "unknown option '$1'" ;;
      *) [[ -z "$NAME" ]] || die "one NAME only (got '$NAME' and '$1')"; NAME=$1; shift ;;
    esac
  done
  [[ -n "$NAME" ]] || die "NAME is missing"
  [[ -n "$FROM" ]] || die "--from publisher|enricher|recorder is missing"
}

# The port an existing agent serves by default: the third member of its AgentIdentity kAgent.
agent_port() { grep -oE 'kAgent\{"[^"]+", "[^"]+", [0-9]+\}' "$1/main.cpp" | grep -oE '[0-9]+\}$' | tr -d '}'; }

check_name() {
  [[ "$NAME" =~ ^[a-z][a-z0-9-]*$ ]] ||
    die "bad name '$NAME': lowercase letters, digits and '-', starting with a letter"
  ((${#NAME} <= 30)) || die "bad name '$NAME': longer than 30 characters"
  [[ "$NAME" != *- && "$NAME" != *--* ]] || die "bad name '$NAME': no trailing or doubled '-'"
  local reserved
  for reserved in "${RESERVED_NAMES[@]}"; do
    [[ "$NAME" != "$reserved" ]] || die "bad name '$NAME': taken by a compose service or a build target"
  done
  [[ "$CXX_KEYWORDS" != *" ${NAME//-/_} "* ]] || die "bad name '$NAME': a C++ keyword cannot name its namespace"
  [[ ! -e "$AGENTS_DIR/$NAME" ]] || die "agents/$NAME already exists; pick another name or remove it first"
  grep -qE "^  $NAME:\$" "$ROOT/docker-compose.yml" && die "docker-compose.yml already has a service '$NAME'"
  grep -q "\"$NAME " "$ROOT/scripts/agents-up.sh" && die "scripts/agents-up.sh already starts an agent '$NAME'"
  return 0
}

check_from() {
  case "$FROM" in publisher|enricher|recorder) ;; *) die "--from must be publisher, enricher or recorder (got '$FROM')" ;; esac
  [[ -f "$AGENTS_DIR/$FROM/main.cpp" ]] || die "the template agents/$FROM/main.cpp is missing"
}

# taken_ports: every agent's default port and the stack's ports, one a line.
taken_ports() {
  local dir
  for dir in "$AGENTS_DIR"/*/; do [[ -f "$dir/main.cpp" ]] && agent_port "$dir"; done
  printf '%s\n' "${STACK_PORTS[@]}"
  grep -oE '"[a-z0-9-]+ [0-9]+"' "$ROOT/scripts/agents-up.sh" | grep -oE '[0-9]+' || true
}

check_port() {
  local taken
  taken="$(taken_ports | sort -un)"
  if [[ -z "$PORT" ]]; then  # the first free port after the agents'
    PORT=8083
    while grep -qx "$PORT" <<<"$taken"; do PORT=$((PORT + 1)); done
    return
  fi
  [[ "$PORT" =~ ^[0-9]+$ ]] && ((PORT >= 1024 && PORT <= 65535)) || die "bad port '$PORT': a number from 1024 to 65535"
  PORT=$((10#$PORT))
  if grep -qx "$PORT" <<<"$taken"; then
    local owner
    owner="$(grep -lE "kAgent\{\"[^\"]+\", \"[^\"]+\", $PORT\}" "$AGENTS_DIR"/*/main.cpp 2>/dev/null | head -n1 || true)"
    die "port $PORT is taken${owner:+ by agents/$(basename "$(dirname "$owner")")}${owner:- by the stack}"
  fi
}

check_topic() {  # check_topic <flag> <topic>
  [[ "$2" =~ ^[A-Za-z0-9._-]+$ ]] && ((${#2} <= 249)) ||
    die "bad topic for $1: '$2' (Kafka topics are letters, digits, '.', '_', '-', at most 249)"
  [[ "$2" != *.dlq ]] || die "bad topic for $1: '$2' ends in .dlq, which the dead letters use"
}

# The template's topic defaults, and which of --input/--output it takes.
check_topics() {
  case "$FROM" in
    publisher)
      [[ -z "$INPUT" ]] || die "--input: an agent made from the publisher consumes nothing"
      OUTPUT="${OUTPUT:-events.raw}" ;;
    enricher)
      INPUT="${INPUT:-events.raw}" OUTPUT="${OUTPUT:-events.$NAME}"
      [[ "$INPUT" != "$OUTPUT" ]] || die "--input and --output are both '$INPUT': the agent would consume its own output" ;;
    recorder)
      [[ -z "$OUTPUT" ]] || die "--output: an agent made from the recorder produces nothing"
      INPUT="${INPUT:-events.enriched}" ;;
  esac
  if [[ -n "$INPUT" ]]; then check_topic --input "$INPUT"; fi
  if [[ -n "$OUTPUT" ]]; then check_topic --output "$OUTPUT"; fi
}

# Every file the script edits, so they can be checked before and written after.
REGISTRATIONS=(scripts/agents-up.sh observability/prometheus/targets/native/agents.json
               observability/prometheus/targets/compose/agents.json docker-compose.yml
               docker-compose.cluster.yml Dockerfile)
check_registrations() {
  local f
  for f in "${REGISTRATIONS[@]}"; do [[ -w "$ROOT/$f" ]] || die "$f is missing or not writable"; done
  grep -qE '^AGENTS=\(.*\)$' "$ROOT/scripts/agents-up.sh" || die "scripts/agents-up.sh: no AGENTS=(...) line"
  grep -qE '^for topic in .*; do$' "$ROOT/scripts/agents-up.sh" || die "scripts/agents-up.sh: no 'for topic in' line"
  grep -qE '^ARG AGENTS="[^"]+"$' "$ROOT/Dockerfile" || die "Dockerfile: no ARG AGENTS=\"...\" line"
  grep -qx 'networks:' "$ROOT/docker-compose.yml" || die "docker-compose.yml: no top-level networks: key"
  grep -qx 'volumes:' "$ROOT/docker-compose.cluster.yml" || die "docker-compose.cluster.yml: no top-level volumes: key"
  grep -qx '  recorder:' "$ROOT/docker-compose.cluster.yml" || die "docker-compose.cluster.yml: no recorder service to copy"
}

# --- staging: everything is written into $STAGE first, then moved into place -----------------
IDENT="" DOMAIN="" STAGE=""

# rename_in <file>: the template's names become the new agent's.
rename_in() {
  local file=$1 from_port
  from_port="$(agent_port "$AGENTS_DIR/$FROM")"
  sed -i -E \
    -e "s/edaobs::$FROM\b/edaobs::$IDENT/g" -e "s/\b$FROM::/$IDENT::/g" \
    -e "s/\"$TEMPLATE_DOMAIN\.h\"/\"$DOMAIN.h\"/g" \
    -e "s/(kAgent\{\"$FROM\", \"[^\"]+\", )$from_port\}/\1$PORT}/" \
    -e "s/\b$FROM\b/$NAME/g" "$file"
}

# set_default <file> <flag> <topic>: the default of settings.text("<flag>", ...).
set_default() {
  grep -qE "settings\.text\(\"$2\", \"[A-Z_]+\", \"[^\"]+\"" "$1" || die "$1: no default for --$2 to replace"
  sed -i -E "s/(settings\.text\(\"$2\", \"[A-Z_]+\", )\"[^\"]+\"/\1\"$3\"/" "$1"
}

stage_from_template() {
  local src="$AGENTS_DIR/$FROM" dst="$STAGE/agent"
  cp -r "$src" "$dst"
  rm -rf "$dst/build"
  if [[ -n "$TEMPLATE_DOMAIN" ]]; then
    mv "$dst/$TEMPLATE_DOMAIN.h" "$dst/$DOMAIN.h"
    mv "$dst/$TEMPLATE_DOMAIN.cpp" "$dst/$DOMAIN.cpp"
    mv "$dst/test/${TEMPLATE_DOMAIN}_test.cpp" "$dst/test/${DOMAIN}_test.cpp"
    sed -i "s/\"$TEMPLATE_DOMAIN\.h\"/\"$DOMAIN.h\"/" "$dst/$DOMAIN.cpp" "$dst/test/${DOMAIN}_test.cpp"
  else
    write_recorder_domain "$dst"
  fi
  local f
  for f in "$dst"/main.cpp "$dst/$DOMAIN.h" "$dst/$DOMAIN.cpp" "$dst/test/${DOMAIN}_test.cpp"; do rename_in "$f"; done
  case "$FROM" in
    publisher) set_default "$dst/main.cpp" topic "$OUTPUT" ;;
    enricher) set_default "$dst/main.cpp" input-topic "$INPUT"; set_default "$dst/main.cpp" output-topic "$OUTPUT" ;;
    recorder) set_default "$dst/main.cpp" input-topic "$INPUT" ;;
  esac
  printf 'edaobs_add_agent(%s SOURCES %s.cpp)\n' "$NAME" "$DOMAIN" >"$dst/CMakeLists.txt"
  write_agent_readme "$dst/README.md"
  grep -q "kAgent{\"$NAME\", \"[^\"]*\", $PORT}" "$dst/main.cpp" || die "could not set the name and port in main.cpp"
}

# The recorder keeps its step in main.cpp; the copy gets it as a domain file with a unit test.
write_recorder_domain() {
  local dst=$1
  mkdir -p "$dst/test"
  cat >"$dst/$DOMAIN.h" <<EOF
#pragma once
// The $FROM's domain step: how old an event is when it arrives. A pure function, tested without Kafka.
#include <chrono>

namespace edaobs::$FROM {

// Seconds from an event's creation (ce_time) to now; negative if the producer's clock is ahead.
[[nodiscard]] double age_seconds(std::chrono::system_clock::time_point created, std::chrono::system_clock::time_point now);

}  // namespace edaobs::$FROM
EOF
  cat >"$dst/$DOMAIN.cpp" <<EOF
#include "$TEMPLATE_MAIN_DOMAIN.h"

namespace edaobs::$FROM {

double age_seconds(std::chrono::system_clock::time_point created, std::chrono::system_clock::time_point now) {
  return std::chrono::duration<double>(now - created).count();
}

}  // namespace edaobs::$FROM
EOF
  cat >"$dst/test/${DOMAIN}_test.cpp" <<EOF
#include "$TEMPLATE_MAIN_DOMAIN.h"

#include <gtest/gtest.h>

using edaobs::$FROM::age_seconds;

TEST(AgeSeconds, IsTheTimeFromCreationToNow) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_DOUBLE_EQ(1.5, age_seconds(now - std::chrono::milliseconds(1500), now));
  EXPECT_DOUBLE_EQ(-2.0, age_seconds(now + std::chrono::seconds(2), now));
}
EOF
  local age='std::chrono::duration<double>(std::chrono::system_clock::now() - created).count();'
  grep -qF "$age" "$dst/main.cpp" || die "agents/$FROM/main.cpp: the age computation to move into $DOMAIN.cpp is not there"
  sed -i "s|${age//./\\.}|$FROM::age_seconds(created, std::chrono::system_clock::now());|" "$dst/main.cpp"
  sed -i "s|^#include \"edaobs/runtime/startup.h\"\$|&\n#include \"$TEMPLATE_MAIN_DOMAIN.h\"|" "$dst/main.cpp"
}

write_agent_readme() {
  local consumes="${INPUT:-—}" produces="${OUTPUT:-—}"
  cat >"$1" <<EOF
# $NAME

Made from the $FROM by \`scripts/new-agent.sh\`: port $PORT, consumes \`$consumes\`, produces
\`$produces\` (defaults; \`--input-topic\`/\`--output-topic\` or \`EDAOBS_INPUT_TOPIC\`/\`EDAOBS_OUTPUT_TOPIC\`
change them — see \`./$NAME --help\`). Every setting of the top-level README, section "The agents",
applies. \`main.cpp\`: configuration, wiring, the domain step; the step's logic lives in
\`$DOMAIN.cpp\`, tested by \`test/${DOMAIN}_test.cpp\` (ctest \`unit\`).
EOF
}

stage_registrations() {
  local r="$STAGE/reg"
  mkdir -p "$r"
  # agents-up.sh: the agent and its input topic (consumers are ready once their input exists).
  sed -E -e "s/^(AGENTS=\(.*)\)\$/\1 \"$NAME $PORT\")/" "$ROOT/scripts/agents-up.sh" >"$r/agents-up.sh"
  if [[ -n "$INPUT" ]] && ! grep -qE "^for topic in (.* )?${INPUT//./\\.}( .*)?; do\$" "$r/agents-up.sh"; then
    sed -i -E "s/^(for topic in .*); do\$/\1 $INPUT; do/" "$r/agents-up.sh"
  fi
  python3 - "$ROOT/observability/prometheus/targets" "$r" "$NAME" "$PORT" <<'EOF'
import json, sys
targets, out, name, port = sys.argv[1:]
for env, host in (("native", "127.0.0.1"), ("compose", name)):
    with open(f"{targets}/{env}/agents.json", encoding="utf-8") as f:
        groups = json.load(f)
    groups.append({"targets": [f"{host}:{port}"], "labels": {"agent": name}})
    with open(f"{out}/{env}-agents.json", "w", encoding="utf-8") as f:
        f.write(json.dumps(groups, indent=2))
EOF
  stage_compose "$r"
  sed -E "s/^(ARG AGENTS=\"[^\"]+)\"\$/\1 $NAME\"/" "$ROOT/Dockerfile" >"$r/Dockerfile"
}

stage_compose() {
  local r=$1
  awk -v block="$(compose_service)" '$0 == "networks:" && !done { print block; print ""; done = 1 } { print }' \
    "$ROOT/docker-compose.yml" >"$r/docker-compose.yml"
  awk -v name="$NAME" '$0 == "volumes:" && !done {
      print "  " name ":"; print "    environment: *cluster-brokers"; print "    depends_on: *cluster-depends"; print ""; done = 1 }
    { print }' "$ROOT/docker-compose.cluster.yml" | awk 'NR > 1 && prev == "" && $0 == "" { next } { print; prev = $0 }' >"$r/docker-compose.cluster.yml"
}

compose_service() {
  cat <<EOF
  $NAME:
    <<: *agent
    entrypoint: ["/usr/local/bin/$NAME"]
    environment:
      OTEL_SERVICE_NAME: $NAME
      OTEL_RESOURCE_ATTRIBUTES: deployment.environment=compose
      OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4318
      KAFKA_BROKERS: kafka:9092
    expose: ["$PORT"]
    ports:
      - "\${EDAOBS_BIND_ADDRESS:-127.0.0.1}:$PORT:$PORT"
    healthcheck:
      test: ["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:$PORT/ready"]
      interval: 10s
      timeout: 5s
      retries: 12
      start_period: 10s
EOF
}

# Each staged registration must differ from the original by the new agent only.
verify_staged() {
  local r="$STAGE/reg"
  grep -q "\"$NAME $PORT\"" "$r/agents-up.sh" || die "could not add $NAME to scripts/agents-up.sh"
  grep -qE "^ARG AGENTS=\".* $NAME\"\$" "$r/Dockerfile" || die "could not add $NAME to the Dockerfile"
  grep -qx "  $NAME:" "$r/docker-compose.yml" || die "could not add $NAME to docker-compose.yml"
  grep -qx "  $NAME:" "$r/docker-compose.cluster.yml" || die "could not add $NAME to docker-compose.cluster.yml"
  python3 -c 'import sys, yaml; [yaml.safe_load(open(f)) for f in sys.argv[1:]]' \
    "$r/docker-compose.yml" "$r/docker-compose.cluster.yml" 2>/dev/null ||
    die "the edited compose files do not parse (nothing was changed)"
}

install_staged() {
  local r="$STAGE/reg" t="$ROOT/observability/prometheus/targets"
  mv "$STAGE/agent" "$AGENTS_DIR/$NAME"
  cat "$r/agents-up.sh" >"$ROOT/scripts/agents-up.sh"  # cat keeps the file's mode
  cat "$r/native-agents.json" >"$t/native/agents.json"
  cat "$r/compose-agents.json" >"$t/compose/agents.json"
  cat "$r/docker-compose.yml" >"$ROOT/docker-compose.yml"
  cat "$r/docker-compose.cluster.yml" >"$ROOT/docker-compose.cluster.yml"
  cat "$r/Dockerfile" >"$ROOT/Dockerfile"
}

report() {
  cat <<EOF
created agents/$NAME from agents/$FROM: port $PORT${INPUT:+, consumes $INPUT}${OUTPUT:+, produces $OUTPUT}
  agents/$NAME/main.cpp, $DOMAIN.h, $DOMAIN.cpp, test/${DOMAIN}_test.cpp, CMakeLists.txt, README.md
registered it in
  scripts/agents-up.sh                      (started by make demo / scripts/agents-up.sh)
  observability/prometheus/targets/native/agents.json and targets/compose/agents.json (scraped)
  docker-compose.yml, docker-compose.cluster.yml, Dockerfile (ARG AGENTS)
next steps
  make build && ctest --test-dir build -R '^${NAME}_domain' --output-on-failure
  write the domain step in agents/$NAME/$DOMAIN.cpp and its lambda in main.cpp
  put it in the chain: point a neighbour's topic at it (e.g. EDAOBS_INPUT_TOPIC of the next agent)
  add it to the README's agent table
EOF
}

main() {
  parse_args "$@"
  check_from
  check_name
  check_port
  check_topics
  check_registrations
  IDENT="${NAME//-/_}"
  DOMAIN="${IDENT}_step"
  case "$FROM" in publisher) TEMPLATE_DOMAIN=event_factory ;; enricher) TEMPLATE_DOMAIN=enrichment ;; recorder) TEMPLATE_DOMAIN="" ;; esac
  TEMPLATE_MAIN_DOMAIN="$DOMAIN"
  [[ -n "$TEMPLATE_DOMAIN" ]] || TEMPLATE_DOMAIN=""
  STAGE="$(mktemp -d)"
  trap 'rm -rf "$STAGE"' EXIT
  stage_from_template
  stage_registrations
  verify_staged
  install_staged
  report
}

main "$@"
