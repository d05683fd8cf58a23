# syntax=docker/dockerfile:1
# Images for docker-compose.yml, all on Debian 12 like the native stack:
#   agent    the three agents (publisher, enricher, recorder) in one runtime image; compose picks
#            the program per service. Built from this repository with the Debian packages that
#            scripts/deps.sh installs (tests/config/compose_crosscheck_test.py checks that).
#   otelcol  the OpenTelemetry Collector built by the official builder from the same manifest as
#            the native stack (observability/otel-collector/builder-config.yaml), so compose
#            runs exactly the components the e2e tests exercise -- and, unlike the contrib image,
#            which is FROM scratch, it has curl for its healthcheck.
ARG DEBIAN_IMAGE=debian:12.11-slim
ARG GO_IMAGE=golang:1.25-bookworm

# ---------------------------------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config make \
      librdkafka-dev libboost1.81-dev libboost-json1.81-dev libspdlog-dev libfmt-dev \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ARG AGENTS="publisher enricher recorder"
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DEDAOBS_BUILD_TESTS=OFF -DEDAOBS_BUILD_BENCH=OFF \
 && cmake --build /build --parallel \
 && mkdir -p /out/bin \
 && for agent in ${AGENTS}; do \
      exe="$(find /build/agents -type f -name "${agent}" -perm -u+x | head -n1)"; \
      [ -n "${exe}" ] || { echo "agent program '${agent}' was not built" >&2; exit 1; }; \
      install -m 0755 "${exe}" "/out/bin/${agent}"; \
    done

# ---------------------------------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS agent
# The shared libraries of the -dev packages above; curl for the healthcheck.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      librdkafka1 librdkafka++1 libboost-json1.81.0 libspdlog1.10 libfmt9 \
      curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home edaobs
COPY --from=build /out/bin/ /usr/local/bin/
# Fail the build, not the container, if a library is missing.
RUN ! ldd /usr/local/bin/* | grep "not found"
USER edaobs
# The agents bind 127.0.0.1 unless told otherwise; in a container the endpoints must be reachable
# from the other containers (Prometheus, the healthcheck's peers).
ENV EDAOBS_HTTP_ADDRESS=0.0.0.0
# docker-compose.yml sets the entrypoint per service (/usr/local/bin/<agent>).
CMD ["/usr/local/bin/publisher"]

# ---------------------------------------------------------------------------------------------
FROM ${GO_IMAGE} AS otelcol-build
# Keep equal to OTELCOL_BUILDER_VERSION in scripts/versions.env and dist.version in the manifest.
ARG OTELCOL_BUILDER_VERSION=v0.145.0
RUN GOBIN=/usr/local/bin go install "go.opentelemetry.io/collector/cmd/builder@${OTELCOL_BUILDER_VERSION}"
WORKDIR /otelcol
COPY observability/otel-collector/builder-config.yaml .
RUN builder --config builder-config.yaml

FROM ${DEBIAN_IMAGE} AS otelcol
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home otelcol
COPY --from=otelcol-build /otelcol/otelcol-edaobs/otelcol-edaobs /usr/local/bin/otelcol-edaobs
USER otelcol
ENTRYPOINT ["/usr/local/bin/otelcol-edaobs"]
CMD ["--config", "/etc/otelcol/otel-collector.yml"]
