#!/usr/bin/env bash
# CalDAV benchmark (issue 5): groupd's CalDAV handler (served by
# dav/calendar/internal/cald, the handler the daemon mounts, on a real
# SQLite store) and Radicale (Debian package) side by side on loopback,
# loaded with the same events (10% weekly-recurring), for 2,000 and
# 10,000 events. Per operation it prints both figures (ms) and the ratio
# Radicale/groupd: PUT per event, a one-month calendar-query, a multiget
# of 200, PROPFIND Depth 1, sync-collection after 10 changes.
#
# Radicale gets the first 200 events by PUT (timed) and the rest as files
# in its collection folder (PUT at ~75 ms each would take minutes);
# groupd gets all by PUT.
#
#   bench/caldav.sh              # 2000 and 10000 events
#   SIZES="2000" bench/caldav.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"2000 10000"}
WORK=$(mktemp -d /tmp/caldav-bench.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitport() { for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done; return 1; }

go build -o "$WORK/cald" ./dav/calendar/internal/cald
go build -o "$WORK/calbench" ./dav/calendar/internal/calbench

for n in $SIZES; do
	d="$WORK/$n"
	mkdir -p "$d/g" "$d/r"
	gport=$(freeport)
	"$WORK/cald" -db "$d/g/groupd.db" -addr "127.0.0.1:$gport" -setup > "$d/g.log" 2>&1 &
	PIDS+=($!)
	servers=(-server "groupd=http://127.0.0.1:$gport/dav/calendars/team/events/,bob@example.test,password1")
	if command -v radicale > /dev/null; then
		rport=$(freeport)
		cat > "$d/r.conf" <<-CONF
		[server]
		hosts = 127.0.0.1:$rport
		[auth]
		type = none
		[storage]
		filesystem_folder = $d/r/store
		[logging]
		level = warning
		CONF
		radicale --config "$d/r.conf" > "$d/r.log" 2>&1 &
		PIDS+=($!)
		waitport "$rport"
		curl -s -o /dev/null -X MKCOL "http://127.0.0.1:$rport/user/"
		curl -s -o /dev/null -X MKCALENDAR "http://127.0.0.1:$rport/user/cal/"
		servers+=(-server "radicale=http://127.0.0.1:$rport/user/cal/,,,$d/r/store/collection-root/user/cal")
	else
		echo "radicale not installed: groupd only" >&2
	fi
	waitport "$gport"
	"$WORK/calbench" -n "$n" "${servers[@]}"
	echo
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	PIDS=()
done
