#!/usr/bin/env bash
# CalDAV benchmark (issue 5): the real groupd daemon (go build -o DIR/groupd .,
# run on a generated config, HTTP only, on 127.0.0.1) and Radicale (Debian
# package, installed here when missing) side by side on loopback, loaded with the same events (10%
# weekly-recurring), for 1,000 and 10,000 events. Per operation it prints
# both figures (ms) and the ratio Radicale/groupd: PUT per event, a
# one-month calendar-query, a multiget of 200, PROPFIND Depth 1,
# sync-collection after 10 changes (dav/calendar/internal/calbench).
#
# Users and the group are created over the admin API, as an operator would.
# Both servers get the first 200 events by PUT (timed, one after another);
# groupd gets the rest by PUT from 4 workers, Radicale as files in its
# collection folder (PUT at ~75 ms each would take minutes).
#
#   bench/caldav.sh              # 1000 and 10000 events
#   SIZES="2000" bench/caldav.sh
#   DB=postgres NODES=2 PEERS=0 bench/caldav.sh   # PUTs alternate nodes; no Radicale
# (DB, NODES: see bench/lib.sh.)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
SIZES=${SIZES:-"1000 10000"}
WORK=$(mktemp -d /tmp/caldav-bench.XXXXXX)
PIDS=()
stop() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	PIDS=()
}
cleanup() { stop; rm -rf "$WORK"; bench_backend_stop; }
trap cleanup EXIT
bench_backend_start

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waiturl() { for _ in $(seq 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

go build -o "$WORK/groupd" .
go build -o "$WORK/calbench" ./dav/calendar/internal/calbench

# groupd DIR PORT NODE: run the daemon (node NODE on PostgreSQL) with its
# data in DIR, HTTP on PORT.
groupd() {
	cat > "$1/groupd.toml" <<-CONF
	hostname = "lists.example.test"
	data_dir = "$1/data"
	log_level = "info"
	[mail]
	domains = ["lists.example.test"]
	internal_domains = ["example.test"]
	relay = "127.0.0.1:9"
	[listen]
	http = "127.0.0.1:$2"
	smtp = ""
	submission = ""
	imap = ""
	imaps = ""
	CONF
	bench_db_toml "$3" >> "$1/groupd.toml"
	"$WORK/groupd" -config "$1/groupd.toml" > "$1/groupd.log" 2>&1 &
	PIDS+=($!)
	waiturl "http://127.0.0.1:$2/healthz"
}

# seed DIR PORT: users alice and bob and the group team, over the admin API.
seed() {
	local api="http://127.0.0.1:$2/api/v1" tok
	tok=$(cat "$1/data/admin-token")
	for u in alice bob; do
		curl -sf -o /dev/null -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
			-d "{\"email\":\"$u@example.test\",\"name\":\"$u\",\"password\":\"password1\"}" "$api/users"
	done
	curl -sf -o /dev/null -u alice@example.test:password1 -H 'Content-Type: application/json' \
		-d '{"id":"team","name":"Team","members":["bob@example.test"]}' "$api/groups"
}

# radicale DIR PORT: run Radicale with its store in DIR and make user/cal/.
radicale_up() {
	cat > "$1/r.conf" <<-CONF
	[server]
	hosts = 127.0.0.1:$2
	[auth]
	type = none
	[storage]
	filesystem_folder = $1/store
	[logging]
	level = warning
	CONF
	radicale --config "$1/r.conf" > "$1/r.log" 2>&1 &
	PIDS+=($!)
	waiturl "http://127.0.0.1:$2/"
	curl -s -o /dev/null -X MKCOL "http://127.0.0.1:$2/user/"
	curl -s -o /dev/null -X MKCALENDAR "http://127.0.0.1:$2/user/cal/"
}

for n in $SIZES; do
	d="$WORK/$n"
	mkdir -p "$d/g" "$d/g2" "$d/r"
	bench_fresh_db
	gport=$(freeport)
	groupd "$d/g" "$gport" a
	seed "$d/g" "$gport"
	urls="http://127.0.0.1:$gport/dav/calendars/team/events/"
	if [ "$NODES" -gt 1 ]; then
		gport=$(freeport)
		groupd "$d/g2" "$gport" b
		urls+="|http://127.0.0.1:$gport/dav/calendars/team/events/"
	fi
	servers=(-server "groupd=$urls,bob@example.test,password1")
	if [ "${PEERS:-1}" = 0 ]; then
		:
	elif bench_need radicale radicale; then
		rport=$(freeport)
		radicale_up "$d/r" "$rport"
		servers+=(-server "radicale=http://127.0.0.1:$rport/user/cal/,,,$d/r/store/collection-root/user/cal")
	else
		echo "radicale not installed: groupd only" >&2
	fi
	"$WORK/calbench" -n "$n" "${servers[@]}"
	echo "groupd's peak RSS: $(awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/${PIDS[0]}/status") MiB"
	echo
	stop
done
