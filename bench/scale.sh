#!/usr/bin/env bash
# bench/scale.sh — issue 12's benchmarks: the same six measurements on
# SQLite, on PostgreSQL and on two nodes sharing one PostgreSQL database,
# in one run, printed as one markdown table with the PostgreSQL/SQLite
# ratio. It drives the other scripts (DB/NODES, bench/lib.sh) with the
# peers skipped, and groups/internal/acbench for autocomplete:
#
#   durable acceptance   bench/smtp.sh (b), relay paused: posts/s
#   fan-out              bench/smtp.sh (a): 250 -> last recipient at the relay
#   CalDAV               bench/caldav.sh: PUT per event, one-month query
#   WebDAV               bench/webdav.sh: PUT and GET of one big file
#   IMAP                 bench/imap.sh: first sync (UID FETCH 1:*), cold
#   autocomplete         acbench: p99 over HTTP at the listing fixture
#
# One throwaway PostgreSQL (scripts/pgtest.sh, PGTEST_DURABLE=1: fsync and
# synchronous_commit on) serves both PostgreSQL columns, a fresh database
# per measurement; GROUPD_BENCH_POSTGRES=<dsn> uses a server of yours.
# Sizes (env): FANOUT 10000, ACCEPT_POSTS 5000, SESSIONS 20, CAL_EVENTS
# 2000, WEBDAV_MB 1024, IMAP_POSTS 10000, AC_GROUPS 100000, AC_USERS
# 20000, AC_PER_USER 50, AC_REQUESTS 2000; SCALE_QUICK=1 makes them small
# (a check that everything runs, not a measurement). Logs stay in
# SCALE_LOGS (default a temporary folder, printed).
#
#   bench/scale.sh
#   SCALE_QUICK=1 bench/scale.sh
#   SCALE_ONLY="smtp ac" SCALE_COLS="sqlite/1 postgres/1" bench/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SCALE_QUICK:-0}" = 1 ]; then
	: "${FANOUT:=300}" "${ACCEPT_POSTS:=200}" "${CAL_EVENTS:=100}" "${WEBDAV_MB:=16}" "${IMAP_POSTS:=300}"
	: "${AC_GROUPS:=2000}" "${AC_USERS:=200}" "${AC_PER_USER:=10}" "${AC_REQUESTS:=200}"
fi
: "${FANOUT:=10000}" "${ACCEPT_POSTS:=5000}" "${SESSIONS:=20}" "${CAL_EVENTS:=2000}" "${WEBDAV_MB:=1024}"
: "${IMAP_POSTS:=10000}" "${AC_GROUPS:=100000}" "${AC_USERS:=20000}" "${AC_PER_USER:=50}" "${AC_REQUESTS:=2000}"
LOGS=${SCALE_LOGS:-$(mktemp -d /tmp/scale-bench.XXXXXX)}
mkdir -p "$LOGS"
DB=postgres NODES=1
. bench/lib.sh
trap 'bench_backend_stop' EXIT
bench_backend_start
go build -o "$LOGS/groupd" .
go build -o "$LOGS/acbench" ./groups/internal/acbench
read -ra COLS <<< "${SCALE_COLS:-sqlite/1 postgres/1 postgres/2}" # SCALE_COLS: some columns only
declare -A V

# measure COL NAME CMD...: runs CMD with DB and NODES of COL, its output in
# $LOGS/COL.NAME.log (COL with / as _); a failure is reported, not fatal.
measure() {
	local col=$1 name=$2 log="$LOGS/${1/\//_}.$2.log"
	shift 2
	echo "$(date -u +%T) ${col}: $name" >&2
	if ! DB=${col%/*} NODES=${col#*/} "$@" > "$log" 2>&1; then
		echo "  failed: see $log" >&2
		tail -5 "$log" >&2
	fi
}

# grab COL NAME KEY SED: the figure SED extracts from the log's first line
# that matches it, as V[COL.KEY] ("failed" when none does; "-" when
# SCALE_ONLY left it out).
grab() {
	local v
	want "$2" || { V[$1.$3]=-; return; }
	v=$(sed -n "$4" "$LOGS/${1/\//_}.$2.log" 2>/dev/null | head -1) || true
	V[$1.$3]=${v:-failed}
}

# want NAME: whether SCALE_ONLY (names, space-separated: smtp caldav
# webdav imap ac) leaves NAME in; every one without it.
want() { [[ -z ${SCALE_ONLY:-} || " $SCALE_ONLY " == *" $1 "* ]]; }

for col in "${COLS[@]}"; do
	nodes=${col#*/}
	want smtp && measure "$col" smtp bench/smtp.sh -runs 1 -raw=false -rcpts "$FANOUT" -posts "$ACCEPT_POSTS" -sessions "$SESSIONS"
	grab "$col" smtp accept 's/.*relay paused: groupd \([0-9.]*\) posts\/s.*/\1/p'
	grab "$col" smtp fanout 's/.*at the relay: groupd \([0-9.]*\) s.*/\1/p'
	want caldav && measure "$col" caldav env SIZES="$CAL_EVENTS" PEERS=0 bench/caldav.sh
	grab "$col" caldav put 's/^PUT per event *\([0-9.]*\).*/\1/p'
	grab "$col" caldav query 's/^calendar-query (1 month) *\([0-9.]*\).*/\1/p'
	want webdav && measure "$col" webdav env SIZE_MB="$WEBDAV_MB" FILES=0 PEERS=0 ROUNDS=1 bench/webdav.sh
	grab "$col" webdav webdav_put 's/^PUT [0-9]* MiB (MB\/s) *\([0-9.]*\).*/\1/p'
	grab "$col" webdav webdav_get 's/^GET [0-9]* MiB (MB\/s) *\([0-9.]*\).*/\1/p'
	want imap && measure "$col" imap env POSTS="$IMAP_POSTS" RUNS=1 DOVECOT= bench/imap.sh
	grab "$col" imap sync 's/.*posts: first \([0-9.]*\) ms.*/\1/p'
	bench_flags=(-db "${col%/*}" -nodes "$nodes")
	[ "${col%/*}" = postgres ] && bench_flags+=(-dsn "$GROUPD_BENCH_POSTGRES")
	want ac && measure "$col" ac "$LOGS/acbench" -groupd "$LOGS/groupd" "${bench_flags[@]}" -groups "$AC_GROUPS" \
		-users "$AC_USERS" -per-user "$AC_PER_USER" -requests "$AC_REQUESTS"
	grab "$col" ac p99 's/.* p99 \([0-9.]*\) ms.*/\1/p'
done

# ratio KEY DIR: PostgreSQL's cost against SQLite's on one node, as a
# factor above 1 when PostgreSQL is slower (DIR: "time", lower is better;
# "rate", higher is better).
ratio() {
	awk -v s="${V[sqlite/1.$1]:-}" -v p="${V[postgres/1.$1]:-}" -v d="$2" 'BEGIN {
		if (s + 0 <= 0 || p + 0 <= 0) { print "-"; exit }
		printf "%.2f×", (d == "time" ? p / s : s / p) }'
}
row() {
	printf '| %s | %s | %s | %s | %s |\n' "$1" "${V[sqlite/1.$2]:--}" "${V[postgres/1.$2]:--}" "${V[postgres/2.$2]:--}" "$(ratio "$2" "$3")"
}
echo
echo "bench/scale.sh, $(date -u '+%F %H:%M') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg), logs in $LOGS"
echo
echo "| measurement | SQLite | PostgreSQL | 2 nodes on PostgreSQL | PG/SQLite cost |"
echo "|---|---|---|---|---|"
row "durable acceptance, 4 KB posts to a 100-recipient list, $SESSIONS sessions (posts/s)" accept rate
row "fan-out: 250 → last of $FANOUT recipients at the relay (s)" fanout time
row "CalDAV PUT per event, $CAL_EVENTS events (ms)" put time
row "CalDAV one-month calendar-query, $CAL_EVENTS events (ms)" query time
row "WebDAV PUT $WEBDAV_MB MiB (MB/s)" webdav_put rate
row "WebDAV GET $WEBDAV_MB MiB (MB/s)" webdav_get rate
row "IMAP first sync, UID FETCH 1:* of $IMAP_POSTS, cold (ms)" sync time
row "autocomplete p99 over HTTP, $AC_GROUPS groups (ms)" p99 time
echo
echo "(PG/SQLite cost: how many times slower one PostgreSQL node is than SQLite, 1 node each; below 1 it is faster."
echo " 2 nodes: SMTP sessions, CalDAV PUTs and look-ups alternate nodes; WebDAV PUT on a, GET on b; IMAP posts via a, sync on b.)"
