#!/usr/bin/env bash
# Decodes dashboards with the Grafana Foundation SDK's dashboard types, unknown fields refused
# (dashboard_sdk/main.go; built once into .stack/tools/, keyed by its sources, like the compose
# validator). Usage: check_dashboard_sdk.sh [dashboard.json...] (default: every dashboard).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
src="$here/dashboard_sdk"

key="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-12)"
bin="${EDAOBS_STACK_DIR:-$root/.stack}/tools/dashboard-sdk-check-$key/dashboard-sdk-check"
if [[ ! -x "$bin" ]]; then
  command -v go >/dev/null || { echo "Go is needed to build the dashboard checker (make deps)" >&2; exit 1; }
  echo "building the Foundation SDK dashboard checker into ${bin#"$root"/} (once)"
  mkdir -p "$(dirname "$bin")"
  (cd "$src" && GOFLAGS=-mod=readonly go build -buildvcs=false -trimpath -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
fi
if (($#)); then exec "$bin" "$@"; fi
shopt -s nullglob
dashboards=("$root"/observability/grafana/dashboards/*.json)
((${#dashboards[@]})) || { echo "no dashboards found" >&2; exit 1; }
exec "$bin" "${dashboards[@]}"
