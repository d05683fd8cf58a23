#!/usr/bin/env bash
# `make restore DIR=<backup>`: puts a backup taken by scripts/backup.sh back in place of the
# current data of Prometheus, VictoriaLogs and Jaeger. Each is stopped, its data directory is
# replaced by the backup's copy, and it is started again (the rest of the stack keeps running).
# What was stored after the backup was taken is lost, as with any restore.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src="${1:?usage: restore.sh <backup folder>}"
src="$(cd "$src" 2>/dev/null && pwd)" || die "no backup folder $1"
for part in prometheus victorialogs/partitions jaeger/keys BACKUP; do
  [[ -e "$src/$part" ]] || die "$src is not a backup made by make backup (no $part)"
done
step "Restoring ${src#"$EDAOBS_ROOT"/} ($(head -n1 "$src/BACKUP"))"

# replace_dir <from> <to>: <to> becomes a copy of <from>, via a sibling so a failed copy leaves
# the old data in place.
replace_dir() {
  local from=$1 to=$2
  rm -rf "$to.restoring" && mkdir -p "$(dirname "$to")"
  cp -a "$from" "$to.restoring"
  rm -rf "$to"
  mv "$to.restoring" "$to"
}

"$EDAOBS_ROOT/scripts/stack-down.sh" prometheus victorialogs jaeger
replace_dir "$src/prometheus" "$RUN_DIR/prometheus/data"
info "prometheus: TSDB from the snapshot"
mkdir -p "$RUN_DIR/victorialogs/data"
replace_dir "$src/victorialogs/partitions" "$RUN_DIR/victorialogs/data/partitions"
info "victorialogs: $(find "$src/victorialogs/partitions" -mindepth 1 -maxdepth 1 | wc -l) day partition(s)"
replace_dir "$src/jaeger" "$RUN_DIR/jaeger/data"
info "jaeger: Badger directory"
"$EDAOBS_ROOT/scripts/stack-up.sh" jaeger victorialogs prometheus
step "Restored"
