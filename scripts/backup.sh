#!/usr/bin/env bash
# `make backup`: a dated copy of the three signal stores of the running native stack, into
# .run/backups/<UTC time>/ (or the folder given as the first argument):
#   prometheus/    a TSDB snapshot (POST /api/v1/admin/tsdb/snapshot, head block included) taken
#                  while Prometheus runs; it is a set of hard links, moved out of the data dir;
#   victorialogs/  per-day partition snapshots (/internal/partition/snapshot/create after
#                  /internal/force_flush) taken while VictoriaLogs runs, copied, then deleted;
#   jaeger/        Jaeger's Badger directory, copied while Jaeger is stopped. Jaeger has no
#                  backup API and Badger lets only one process open its files, so a copy of a
#                  live store could catch half-written tables; a clean stop flushes and closes it.
#                  Jaeger is down for a few seconds; the Collector's exporter retries meanwhile.
# scripts/restore.sh brings a backup back.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROMETHEUS=http://127.0.0.1:9090
VICTORIALOGS=http://127.0.0.1:9428

dest="${1:-$RUN_DIR/backups/$(date -u +%Y%m%dT%H%M%SZ)}"
for name in prometheus victorialogs jaeger; do
  is_running "$name" || die "$name is not running (make stack-up): a backup is taken from the running stack"
done
[[ -e "$dest" ]] && die "$dest already exists"
mkdir -p "$dest"
step "Backing up the signal stores into ${dest#"$EDAOBS_ROOT"/}/"

backup_prometheus() {
  local answer name snap
  answer="$(curl -fsS -X POST "$PROMETHEUS/api/v1/admin/tsdb/snapshot")" \
    || die "Prometheus refused the snapshot (is --web.enable-admin-api set?)"
  name="$(jq -er .data.name <<<"$answer")" || die "unexpected snapshot answer from Prometheus: $answer"
  snap="$RUN_DIR/prometheus/data/snapshots/$name"
  [[ -d "$snap" ]] || die "Prometheus reported snapshot $name, but $snap is missing"
  # Same file system: a move keeps the hard links (no copy, no space used twice).
  mv "$snap" "$dest/prometheus"
  info "prometheus: snapshot $name ($(du -sh "$dest/prometheus" | cut -f1))"
}

backup_victorialogs() {
  local answer path partition count=0
  curl -fsS -o /dev/null "$VICTORIALOGS/internal/force_flush" || die "VictoriaLogs did not flush"
  answer="$(curl -fsS "$VICTORIALOGS/internal/partition/snapshot/create")" || die "VictoriaLogs refused the snapshot"
  mkdir -p "$dest/victorialogs/partitions"
  while IFS= read -r path; do
    [[ -n "$path" ]] || continue
    # <data>/partitions/<YYYYMMDD>/snapshots/<name>: the partition is two levels up.
    partition="$(basename "$(dirname "$(dirname "$path")")")"
    [[ "$partition" =~ ^[0-9]{8}$ ]] || die "unexpected VictoriaLogs snapshot path $path"
    cp -a "$path" "$dest/victorialogs/partitions/$partition"
    curl -fsS -o /dev/null "$VICTORIALOGS/internal/partition/snapshot/delete?path=$(jq -rn --arg p "$path" '$p|@uri')" \
      || warn "could not delete the VictoriaLogs snapshot $path"
    count=$((count + 1))
  done < <(jq -r '.[]' <<<"$answer")
  info "victorialogs: $count day partition(s) ($(du -sh "$dest/victorialogs" | cut -f1))"
}

backup_jaeger() {
  "$EDAOBS_ROOT/scripts/stack-down.sh" jaeger >/dev/null
  cp -a "$RUN_DIR/jaeger/data" "$dest/jaeger"
  "$EDAOBS_ROOT/scripts/stack-up.sh" jaeger >/dev/null || die "Jaeger did not come back after the copy"
  info "jaeger: Badger directory ($(du -sh "$dest/jaeger" | cut -f1)), Jaeger restarted"
}

backup_prometheus
backup_victorialogs
backup_jaeger
{
  echo "taken_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "jaeger=$JAEGER_RELEASE victorialogs=$VICTORIALOGS_VERSION prometheus=$(prometheus --version 2>&1 | head -n1 | awk '{print $3}')"
} >"$dest/BACKUP"
step "Backup complete: ${dest#"$EDAOBS_ROOT"/} (restore: make restore DIR=${dest#"$EDAOBS_ROOT"/})"
