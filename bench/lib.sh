# bench/lib.sh — sourced by the bench scripts: which store the daemons use.
#   DB=sqlite (default) | postgres   the store
#   NODES=1 (default) | 2            daemons on one PostgreSQL database
#   BLOBS=fs                         with DB=postgres NODES=1, folder
#                                    contents as files in data_dir
#                                    ([database] blobs = "fs", read by
#                                    bench_db_toml: bench/webdav.sh)
#   GROUPD_BENCH_POSTGRES=<dsn>      a server to use (its user may CREATE
#                                    DATABASE); without it DB=postgres
#                                    starts a throwaway PostgreSQL with
#                                    scripts/pgtest.sh, PGTEST_DURABLE=1
#                                    (fsync and synchronous_commit on, as
#                                    SQLite's synchronous=FULL), and
#                                    removes it at the end.
# bench_backend_start sets BENCH_FLAGS (-db, -dsn, -nodes for the Go
# drivers); bench_fresh_db sets BENCH_DSN_RUN to a new database for a
# shell driver (nothing on SQLite); bench_db_toml NODE prints a [database] table for a config;
# bench_backend_stop drops the databases made and stops the server.
DB=${DB:-sqlite}
NODES=${NODES:-1}
BENCH_PG_DIR=""
BENCH_DBS=()
if [ "${BLOBS:-}" = fs ] && [ "$DB/$NODES" != postgres/1 ]; then
	echo "BLOBS=fs is for DB=postgres NODES=1 (two nodes would need one shared data_dir/blobs)" >&2
	exit 2
fi
case "$DB/$NODES" in
sqlite/1 | postgres/*) ;;
*) echo "DB=$DB NODES=$NODES: want DB=sqlite (one node) or DB=postgres" >&2; exit 2 ;;
esac

bench_psql() {
	local d
	for d in /usr/lib/postgresql/*/bin; do [ -x "$d/psql" ] && echo "$d/psql"; done | tail -1
}

bench_backend_start() {
	BENCH_FLAGS=(-db "$DB" -nodes "$NODES")
	[ "$DB" = postgres ] || return 0
	if [ -z "${GROUPD_BENCH_POSTGRES:-}" ]; then
		BENCH_PG_DIR=$(mktemp -d /tmp/groupd-benchpg.XXXXXX)
		local port
		port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
		GROUPD_BENCH_POSTGRES=$(PGTEST_DURABLE=1 PGTEST_DIR="$BENCH_PG_DIR" PGTEST_PORT="$port" bash scripts/pgtest.sh start)
		export GROUPD_BENCH_POSTGRES
	fi
	BENCH_FLAGS+=(-dsn "$GROUPD_BENCH_POSTGRES")
}

bench_fresh_db() {
	[ "$DB" = postgres ] || return 0
	local name dsn=$GROUPD_BENCH_POSTGRES
	name=groupd_bench_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
	"$(bench_psql)" -q "$dsn" -c "CREATE DATABASE $name TEMPLATE template0 ENCODING 'UTF8'" >&2
	BENCH_DBS+=("$name")
	case $dsn in
	postgres://* | postgresql://*) BENCH_DSN_RUN="${dsn%/*}/$name" ;;
	*) BENCH_DSN_RUN="$dsn dbname=$name" ;;
	esac
}

bench_db_toml() {
	[ "$DB" = postgres ] || return 0
	printf '[database]\ndriver = "postgres"\ndsn = "%s"\nnode_id = "node-%s"\n' "$BENCH_DSN_RUN" "$1"
	if [ "${BLOBS:-}" = fs ]; then
		printf 'blobs = "fs"\n'
	fi
}

bench_backend_stop() {
	local name
	if [ -n "$BENCH_PG_DIR" ]; then
		PGTEST_DIR="$BENCH_PG_DIR" bash scripts/pgtest.sh stop
		return
	fi
	for name in "${BENCH_DBS[@]}"; do
		"$(bench_psql)" -q "$GROUPD_BENCH_POSTGRES" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >&2 || true
	done
}

# bench_need CMD PACKAGE: installs Debian's PACKAGE when CMD is missing (a
# peer or tool of a benchmark), as root with apt-get; says so and returns
# 1 when it cannot.
bench_need() {
	command -v "$1" > /dev/null && return 0
	[ -x "$1" ] && return 0
	echo "installing $2 (for $1)" >&2
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get install -y "$2" > /dev/null 2>&1 || { apt-get update > /dev/null 2>&1 && apt-get install -y "$2" > /dev/null 2>&1; }; } &&
		{ command -v "$1" > /dev/null || [ -x "$1" ]; } && return 0
	echo "could not install $2" >&2
	return 1
}
