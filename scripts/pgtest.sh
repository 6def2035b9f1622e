#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: a data directory and a unix
# socket under one temporary directory, no TCP, fsync off (PGTEST_DURABLE=1
# keeps PostgreSQL's defaults: fsync, synchronous_commit, full_page_writes
# on, as the benchmarks need for an honest durable-acceptance figure).
#   scripts/pgtest.sh start   initdb (if needed) and start; prints the DSN
#   scripts/pgtest.sh env     prints GROUPD_TEST_POSTGRES=<dsn>
#   scripts/pgtest.sh stop    stops the server and removes the directory
# PGTEST_DIR (default /tmp/groupd-pgtest) and PGTEST_PORT (default 5433)
# choose where. Run as root, the server runs as the user postgres (or
# pgtest, created when neither exists). Debian's postgresql package is
# installed when initdb is missing.
set -euo pipefail

dir=${PGTEST_DIR:-/tmp/groupd-pgtest}
port=${PGTEST_PORT:-5433}
bin=${PGTEST_BIN:-}

find_bin() {
	if [[ -z $bin ]]; then
		local d
		for d in /usr/lib/postgresql/*/bin; do
			[[ -x $d/initdb ]] && bin=$d
		done
	fi
	if [[ -z $bin ]] && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
		for d in /usr/lib/postgresql/*/bin; do
			[[ -x $d/initdb ]] && bin=$d
		done
	fi
	[[ -n $bin ]] || { echo "pgtest.sh: initdb not found" >&2; exit 1; }
}

# as runs a command as the server's user: postgres refuses to run as root.
as() {
	if [[ $(id -u) -ne 0 ]]; then
		"$@"
		return
	fi
	local u=postgres
	if ! id "$u" >/dev/null 2>&1; then
		u=pgtest
		id "$u" >/dev/null 2>&1 || useradd -m "$u"
	fi
	chown -R "$u" "$dir"
	su "$u" -s /bin/sh -c "$(printf '%q ' "$@")"
}

dsn() { echo "host=$dir/sock port=$port user=postgres dbname=postgres"; }

case ${1:-} in
start)
	find_bin
	mkdir -p "$dir/sock"
	if [[ ! -f $dir/data/PG_VERSION ]]; then
		as "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; exit 1; }
	fi
	opts="-k $dir/sock -p $port -c listen_addresses='' -c max_connections=300"
	if [[ ${PGTEST_DURABLE:-} != 1 ]]; then
		opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	fi
	as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$opts" start >&2
	dsn
	;;
env)
	echo "GROUPD_TEST_POSTGRES=$(dsn)"
	;;
stop)
	find_bin
	if [[ -f $dir/data/postmaster.pid ]]; then
		as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: scripts/pgtest.sh start|stop|env" >&2
	exit 2
	;;
esac
