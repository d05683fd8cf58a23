#!/usr/bin/env bash
# Installs everything edaobs needs, idempotently: Debian packages, the Kafka broker jars, Jaeger v2,
# VictoriaLogs, the OpenTelemetry Collector, and a Python venv with the official OTLP protobuf
# bindings. Results are cached under .stack/ keyed by version, so a second run only checks and
# takes seconds.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEBIAN_PACKAGES=(
  g++ cmake ninja-build pkg-config make
  librdkafka-dev libboost1.81-dev libboost-json1.81-dev libspdlog-dev libfmt-dev
  libgtest-dev libbenchmark-dev
  clang-16 libclang-rt-16-dev llvm-16 clang-format-16
  kcat prometheus prometheus-alertmanager
  curl jq python3 python3-yaml python3-venv ca-certificates zlib1g-dev
)

# The official OTLP Python bindings, which the protobuf encoder's peer test decodes with; pinned
# with their protobuf runtime so the check is reproducible.
OTLP_PROTO_PY_VERSION=1.45.2
PROTOBUF_PY_VERSION=7.36.2
PYTHON_VENV="$STACK_DIR/python-venv"  # the test build looks for $PYTHON_VENV/bin/python3

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "installing Debian packages needs root (or sudo): $*"; fi
}

install_debian_packages() {
  step "Debian packages"
  local missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then info "all ${#DEBIAN_PACKAGES[@]} packages present"; return; fi
  info "installing ${#missing[@]} package(s): ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

require_toolchains() {
  step "Toolchains for the fetched components"
  command -v go >/dev/null || die "Go (1.24 or later) is needed to build Jaeger and the Collector"
  command -v java >/dev/null || die "a Java runtime (17 or later) is needed to run Kafka"
  command -v mvn >/dev/null || die "Maven is needed to fetch the Kafka jars"
  info "$(go version); $(java -version 2>&1 | head -n1); $(mvn -v 2>/dev/null | head -n1)"
}

install_kafka() {
  step "Kafka $KAFKA_VERSION broker jars"
  if [[ -f "$KAFKA_HOME/.complete" ]]; then info "cached in ${KAFKA_HOME#"$EDAOBS_ROOT"/}"; return; fi
  rm -rf "$KAFKA_HOME" && mkdir -p "$KAFKA_HOME/libs"
  info "resolving org.apache.kafka:kafka_2.13:$KAFKA_VERSION and its dependencies with Maven"
  mvn -B -q -f "$EDAOBS_ROOT/scripts/deps/kafka-pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/libs"
  info "$(find "$KAFKA_HOME/libs" -name '*.jar' | wc -l) jars"
  touch "$KAFKA_HOME/.complete"
}

# go_build_with_progress <what> <log> <go args...>: `go build -v` prints each package it compiles;
# we show how many so far, every 15 s, instead of a silent wait.
go_build_with_progress() {
  local what=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  local pid=$! start=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (((SECONDS - start) % 15 == 0)); then
      info "$what: $((SECONDS - start))s, $(grep -cv '^go: downloading' "$log" || true) packages compiled"
    fi
  done
  if ! wait "$pid"; then tail -n 30 "$log" >&2; die "$what failed (full log: $log)"; fi
  info "$what: done in $((SECONDS - start))s"
}

install_jaeger() {
  step "Jaeger $JAEGER_RELEASE (module $JAEGER_MODULE_VERSION)"
  if [[ -x "$JAEGER_BIN" ]]; then info "cached in ${JAEGER_BIN#"$EDAOBS_ROOT"/}"; return; fi
  local dir src
  dir="$(dirname "$JAEGER_BIN")"
  mkdir -p "$dir"
  info "downloading the module source"
  src="$(go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_MODULE_VERSION" | jq -r .Dir)"
  [[ -d "$src" ]] || die "could not download github.com/jaegertracing/jaeger@$JAEGER_MODULE_VERSION"
  # The module has replace directives, so it must be built as the main module, from a copy.
  rm -rf "$dir/src" && cp -r "$src" "$dir/src" && chmod -R u+w "$dir/src"
  info "compiling cmd/jaeger (the first build takes several minutes on 2 cores)"
  (cd "$dir/src" && go_build_with_progress "jaeger" "$dir/build.log" \
    go build -v -ldflags="-s -w" -o "$JAEGER_BIN.tmp" ./cmd/jaeger)
  mv "$JAEGER_BIN.tmp" "$JAEGER_BIN"
  rm -rf "$dir/src"
}

install_victorialogs() {
  step "VictoriaLogs $VICTORIALOGS_VERSION"
  if [[ -x "$VICTORIALOGS_BIN" ]]; then info "cached in ${VICTORIALOGS_BIN#"$EDAOBS_ROOT"/}"; return; fi
  local dir src
  dir="$(dirname "$VICTORIALOGS_BIN")"
  mkdir -p "$dir"
  info "downloading the module source"
  src="$(go mod download -json "github.com/VictoriaMetrics/VictoriaLogs@$VICTORIALOGS_VERSION" | jq -r .Dir)"
  [[ -d "$src" ]] || die "could not download github.com/VictoriaMetrics/VictoriaLogs@$VICTORIALOGS_VERSION"
  info "compiling app/victoria-logs"
  # Pure Go (no cgo) as upstream's release builds; the version string is what /metrics reports.
  (cd "$src" && CGO_ENABLED=0 go_build_with_progress "victoria-logs" "$dir/build.log" \
    go build -v -trimpath -ldflags="-s -w -X github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=victoria-logs-$VICTORIALOGS_VERSION" \
    -o "$VICTORIALOGS_BIN.tmp" ./app/victoria-logs)
  mv "$VICTORIALOGS_BIN.tmp" "$VICTORIALOGS_BIN"
}

install_otelcol() {
  local bin dir builder
  bin="$(otelcol_bin)"
  dir="$(dirname "$bin")"
  step "OpenTelemetry Collector (builder $OTELCOL_BUILDER_VERSION, manifest observability/otel-collector/builder-config.yaml)"
  if [[ -x "$bin" ]]; then info "cached in ${bin#"$EDAOBS_ROOT"/}"; return; fi
  builder="$STACK_DIR/go/bin/builder-$OTELCOL_BUILDER_VERSION"
  if [[ ! -x "$builder" ]]; then
    info "installing the builder"
    GOBIN="$STACK_DIR/go/bin" go install "go.opentelemetry.io/collector/cmd/builder@$OTELCOL_BUILDER_VERSION"
    mv "$STACK_DIR/go/bin/builder" "$builder"
  fi
  mkdir -p "$dir"
  info "generating sources and fetching modules"
  (cd "$dir" && "$builder" --config "$OTELCOL_MANIFEST" --skip-compilation) >"$dir/generate.log" 2>&1 \
    || { tail -n 30 "$dir/generate.log" >&2; die "collector source generation failed"; }
  info "compiling the collector (the first build takes several minutes on 2 cores)"
  (cd "$dir/src" && go_build_with_progress "otelcol" "$dir/build.log" \
    go build -v -trimpath -ldflags="-s -w" -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
  rm -rf "$dir/src"
}

install_python_venv() {
  step "Python venv (opentelemetry-proto $OTLP_PROTO_PY_VERSION, protobuf $PROTOBUF_PY_VERSION)"
  local marker="$PYTHON_VENV/.complete-$OTLP_PROTO_PY_VERSION-$PROTOBUF_PY_VERSION"
  if [[ -f "$marker" ]]; then info "cached in ${PYTHON_VENV#"$EDAOBS_ROOT"/}"; return; fi
  rm -rf "$PYTHON_VENV"
  python3 -m venv "$PYTHON_VENV"
  "$PYTHON_VENV/bin/pip" install -q --disable-pip-version-check \
    "opentelemetry-proto==$OTLP_PROTO_PY_VERSION" "protobuf==$PROTOBUF_PY_VERSION"
  "$PYTHON_VENV/bin/python3" -c 'import opentelemetry.proto.collector.trace.v1.trace_service_pb2' \
    || die "the venv in $PYTHON_VENV cannot import opentelemetry-proto"
  touch "$marker"
}

main() {
  local start=$SECONDS
  mkdir -p "$STACK_DIR"
  install_debian_packages
  install_python_venv
  require_toolchains
  install_kafka
  install_jaeger
  install_victorialogs
  install_otelcol
  step "Dependencies ready in $((SECONDS - start))s"
}

main "$@"
