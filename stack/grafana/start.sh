#!/bin/sh
# Grafana's entrypoint in the looplab stack (docker-compose.yml `grafana.entrypoint`), before the
# image's own /run.sh. Grafana creates its admin at first start with GF_SECURITY_ADMIN_PASSWORD,
# or with the well-known "admin" when that is empty. So that no known password grants admin when
# the user chose none, a random one is generated at that first start, kept in the data volume and
# printed in the logs. Later starts only remind where it is (Grafana ignores the variable then).
set -eu
data="${GF_PATHS_DATA:-/var/lib/grafana}"
kept="$data/looplab-admin-password"
if [ -z "${GF_SECURITY_ADMIN_PASSWORD:-}" ]; then
  if [ ! -e "$data/grafana.db" ] && [ ! -s "$kept" ]; then
    (umask 077 && LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24 >"$kept")
  fi
  if [ -s "$kept" ]; then
    GF_SECURITY_ADMIN_PASSWORD="$(cat "$kept")"
    export GF_SECURITY_ADMIN_PASSWORD
    echo "looplab: Grafana admin password (generated at first start, kept in $kept): $GF_SECURITY_ADMIN_PASSWORD"
  else
    echo "looplab: Grafana's admin password is the one chosen at its first start (GRAFANA_ADMIN_PASSWORD then)"
  fi
fi
exec "${LOOPLAB_GRAFANA_RUN:-/run.sh}" "$@"
