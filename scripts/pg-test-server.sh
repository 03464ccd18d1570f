#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests of `verify` against a real server.
#
#   scripts/pg-test-server.sh [start]   installs Debian's `postgresql` if it is missing (apt-get),
#                                       initdb's a cluster in a new temporary folder, starts it on a
#                                       free port of 127.0.0.1 and prints its URL on stdout:
#                                       postgres://postgres@127.0.0.1:<port>/postgres
#   scripts/pg-test-server.sh stop <url>  stops that server and deletes its folder.
#
# Everything else goes to stderr. As root, the server runs as the `postgres` user (PostgreSQL
# refuses to run as root); as another user, as that user. Authentication is `trust`, on
# 127.0.0.1 only: the cluster holds nothing and is deleted by `stop`.
set -euo pipefail

STATE_DIR="${TMPDIR:-/tmp}/migration-guard-pg-test"

log() { echo "pg-test-server: $*" >&2; }

# The folder with initdb and pg_ctl: Debian keeps them in /usr/lib/postgresql/<major>/bin.
find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return 0
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

# Runs a command as the user that owns the cluster.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin
  if ! bin="$(find_bin)"; then
    if [ "$(id -u)" != 0 ]; then
      log "PostgreSQL is not installed and installing it needs root: apt-get install postgresql"
      exit 1
    fi
    log "installing postgresql with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends postgresql >&2
    bin="$(find_bin)" || { log "postgresql was installed but initdb/pg_ctl were not found"; exit 1; }
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    log "there is no postgres user to run the server as"
    exit 1
  fi

  local dir port
  dir="$(mktemp -d "${TMPDIR:-/tmp}/mg-pg-test.XXXXXX")"
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; log "initdb failed"; exit 1; }

  # A free port: ask the kernel for one, then try the next ones if another process takes it first.
  port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  local tries=0
  until as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >&2; do
    tries=$((tries + 1))
    if [ "$tries" -ge 5 ]; then
      cat "$dir/server.log" >&2 || true
      log "the server did not start"
      exit 1
    fi
    port=$((port + 1))
  done
  mkdir -p "$STATE_DIR"
  echo "$dir" >"$STATE_DIR/$port"
  echo "$bin" >"$dir/bin"
  log "$("$bin/pg_ctl" --version | sed "s/^pg_ctl (PostgreSQL) /PostgreSQL /") on 127.0.0.1:$port (data in $dir)"
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local url="${1:-}" port dir
  port="$(echo "$url" | sed -n 's#^postgres\(ql\)\{0,1\}://[^/]*:\([0-9][0-9]*\)/.*$#\2#p')"
  if [ -z "$port" ] || [ ! -f "$STATE_DIR/$port" ]; then
    log "no server started by this script for ${url:-(no url)}"
    exit 1
  fi
  dir="$(cat "$STATE_DIR/$port")"
  as_owner "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  rm -rf "$dir" "$STATE_DIR/$port"
}

case "${1:-start}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *)
    log "usage: $0 [start] | stop <url>"
    exit 2
    ;;
esac
