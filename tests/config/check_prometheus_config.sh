#!/usr/bin/env bash
# promtool check config on observability/prometheus/prometheus.yml laid out as environment <env>
# (native | compose) runs it: alert_rules.yml beside it and targets/current -> targets/<env>.
# promtool only warns about missing file_sd files; here a warning is a failure.
set -euo pipefail
env=${1:?usage: $0 native|compose}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="$root/observability/prometheus"
[[ -d "$src/targets/$env" ]] || { echo "no target lists for '$env' in $src/targets/" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/targets"
ln -s "$src/prometheus.yml" "$tmp/prometheus.yml"
ln -s "$src/alert_rules.yml" "$tmp/alert_rules.yml"
ln -s "$src/targets/$env" "$tmp/targets/current"
out="$("${PROMTOOL:-promtool}" check config "$tmp/prometheus.yml" 2>&1)" || { echo "$out"; exit 1; }
echo "$out"
if grep -q WARNING <<<"$out"; then
  echo "promtool warned about the $env layout" >&2
  exit 1
fi
