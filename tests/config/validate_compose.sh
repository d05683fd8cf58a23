#!/usr/bin/env bash
# Validates docker-compose.yml as `docker compose config` would: with the docker compose plugin
# when the machine has one, and always with compose-go, the Compose Specification's reference
# library that the plugin itself uses (compose_validate/main.go; built once into .stack/tools/,
# keyed by its sources). Also checks that compose refuses to start without Grafana credentials.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
compose="$root/docker-compose.yml"
env_example="$root/.env.example"
src="$here/compose_validate"

key="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-12)"
bin="${EDAOBS_STACK_DIR:-$root/.stack}/tools/compose-validate-$key/compose-validate"
if [[ ! -x "$bin" ]]; then
  command -v go >/dev/null || { echo "Go is needed to build the compose validator (make deps)" >&2; exit 1; }
  echo "building the compose validator into ${bin#"$root"/} (once)"
  mkdir -p "$(dirname "$bin")"
  (cd "$src" && GOFLAGS=-mod=readonly go build -buildvcs=false -trimpath -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
fi

if docker compose version >/dev/null 2>&1; then
  echo "docker compose config:"
  docker compose --project-directory "$root" -f "$compose" --env-file "$env_example" config -q
  if [[ -f "$root/docker-compose.cluster.yml" ]]; then
    docker compose --project-directory "$root" -f "$compose" -f "$root/docker-compose.cluster.yml" \
      --env-file "$env_example" config -q
  fi
fi

echo "compose-go:"
"$bin" -q -env-file "$env_example" "$compose"
# The three-node Kafka option, loaded as compose merges it: over docker-compose.yml.
cluster="$root/docker-compose.cluster.yml"
if [[ -f "$cluster" ]]; then
  echo "compose-go, with docker-compose.cluster.yml:"
  "$bin" -q -env-file "$env_example" "$compose" "$cluster"
fi

# Without an env file the Grafana credentials are unset: loading must fail and say why.
err="$(mktemp)"
trap 'rm -f "$err"' EXIT
if env -u GRAFANA_ADMIN_USER -u GRAFANA_ADMIN_PASSWORD "$bin" -q "$compose" 2>"$err"; then
  echo "docker-compose.yml loads without Grafana credentials; it must refuse (no admin/admin)" >&2
  exit 1
fi
grep -q "GRAFANA_ADMIN" "$err" || { cat "$err" >&2; echo "unexpected error without credentials" >&2; exit 1; }
echo "without .env: refused as expected ($(head -c 200 "$err"))"
