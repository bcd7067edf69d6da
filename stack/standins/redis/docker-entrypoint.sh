#!/bin/sh
# The official image compiles protected mode off; Debian's redis-server has it on, which refuses
# every client but loopback when no password is set. Same behaviour as the image it stands in for.
set -e
if [ "${1:-}" = redis-server ]; then
  shift
  set -- redis-server --protected-mode no "$@"
fi
exec "$@"
