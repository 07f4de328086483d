#!/usr/bin/env bash
# Starts the PostgreSQL server this machine has installed (Debian's cluster, created if
# missing), makes a `polic` role that may create databases, and prints its URL: the tests
# of the history store run against it (POLIC_TEST_POSTGRES) and fail without it.
set -euo pipefail
version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
if [ -z "$version" ]; then
  echo "error: no PostgreSQL server is installed (apt-get install postgresql)" >&2
  exit 1
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  pg_ctlcluster "$version" main start >&2
fi
port="$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')"
as_postgres() { runuser -u postgres -- "$@"; }
as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -qc \
  "DO \$\$ BEGIN
     IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'polic') THEN
       CREATE ROLE polic LOGIN PASSWORD 'polic' CREATEDB;
     END IF;
   END \$\$;" >&2
if ! as_postgres psql -p "$port" -lqt | cut -d'|' -f1 | grep -qw polic; then
  as_postgres createdb -p "$port" -O polic polic >&2
fi
echo "postgres://polic:polic@127.0.0.1:$port/polic"
