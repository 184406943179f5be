#!/usr/bin/env bash
# Make sure the PostgreSQL server the database tests use (127.0.0.1:5432, user
# postgres) is up. Starts the local cluster if it is installed but down; says so
# plainly if there is none (the tests then fail when REQUIRE_POSTGRES=1).
set -u
if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  exit 0
fi
if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  version=$(ls /etc/postgresql | head -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>&1 || true
  for _ in $(seq 1 30); do
    pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && exit 0
    sleep 1
  done
fi
echo "PostgreSQL is not reachable on 127.0.0.1:5432; the PostgreSQL test suite will not run." >&2
exit 0
