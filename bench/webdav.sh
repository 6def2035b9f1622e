#!/usr/bin/env bash
# WebDAV folder benchmark (issue 6): groupd's folder handler (served by
# dav/folder/internal/folderd, the same handler the daemon mounts, with a
# real SQLite store and blob directory), `rclone serve webdav` and Apache
# mod_dav (mod_dav_fs) side by side on loopback, each with the same data:
#
#   - PUT and GET of a 1 GiB file (MB/s, curl)
#   - PROPFIND Depth: 1 (allprop) of a folder of 10,000 files (ms, best of 5)
#   - the server's peak RSS growth during the 1 GiB PUT (MiB)
#
# Prints the figures and groupd's ratio to the best peer. Needs curl,
# rclone and apache2 (Debian packages); a missing peer is skipped.
#
#   bench/webdav.sh             # 1 GiB, 10,000 files
#   SIZE_MB=256 FILES=2000 bench/webdav.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-1024}
FILES=${FILES:-10000}
WORK=$(mktemp -d /tmp/webdav-bench.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitport() { for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done; return 1; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

echo "preparing ${SIZE_MB} MiB file and ${FILES} small files in $WORK" >&2
head -c "$((SIZE_MB << 20))" /dev/urandom > "$WORK/big"
mkdir -p "$WORK/small"
( cd "$WORK/small" && seq -f "file-%05g.txt" 1 "$FILES" | xargs -n 500 touch )
for f in "$WORK"/small/*; do echo x > "$f"; done 2>/dev/null || true
# The peers serve plain directories: they get the same files copied in
# before they start (rclone caches listings).
mkdir -p "$WORK/r" "$WORK/a/www"
cp -r "$WORK/small" "$WORK/r/small"
cp -r "$WORK/small" "$WORK/a/www/small"

declare -A URL PID AUTH
# groupd
go build -o "$WORK/folderd" ./dav/folder/internal/folderd
mkdir -p "$WORK/g"
port=$(freeport)
"$WORK/folderd" -db "$WORK/g/groupd.db" -addr "127.0.0.1:$port" -setup -quota $((64 << 30)) > "$WORK/g.log" 2>&1 &
PID[groupd]=$!; PIDS+=($!)
URL[groupd]="http://127.0.0.1:$port/dav/files/team"
AUTH[groupd]="-u bob@example.test:password1"
# rclone serve webdav
if command -v rclone > /dev/null; then
	port=$(freeport)
	RCLONE_CONFIG=/dev/null rclone serve webdav "$WORK/r" --addr "127.0.0.1:$port" > "$WORK/r.log" 2>&1 &
	PID[rclone]=$!; PIDS+=($!)
	URL[rclone]="http://127.0.0.1:$port"
	AUTH[rclone]=""
fi
# Apache mod_dav
if [ -x /usr/sbin/apache2 ]; then
	mkdir -p "$WORK/a/lock"
	chmod -R a+rwX "$WORK/a/www" "$WORK/a/lock"
	port=$(freeport)
	M=/usr/lib/apache2/modules
	cat > "$WORK/a/httpd.conf" <<CONF
ServerRoot "$WORK/a"
Listen 127.0.0.1:$port
PidFile "$WORK/a/httpd.pid"
ErrorLog "$WORK/a/error.log"
LoadModule mpm_event_module $M/mod_mpm_event.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule dav_module $M/mod_dav.so
LoadModule dav_fs_module $M/mod_dav_fs.so
DavLockDB "$WORK/a/lock/DavLock"
DocumentRoot "$WORK/a/www"
<Directory "$WORK/a/www">
    Dav On
    Require all granted
</Directory>
CONF
	APACHE_RUN_DIR="$WORK/a" /usr/sbin/apache2 -f "$WORK/a/httpd.conf" -DFOREGROUND > "$WORK/a.log" 2>&1 &
	PID[apache]=$!; PIDS+=($!)
	URL[apache]="http://127.0.0.1:$port"
	AUTH[apache]=""
fi

SERVERS=()
for s in groupd rclone apache; do
	[ -n "${URL[$s]:-}" ] || continue
	p=${URL[$s]#http://127.0.0.1:}; p=${p%%/*}
	if waitport "$p"; then SERVERS+=("$s"); else echo "$s did not start" >&2; fi
done

declare -A PUT GET PF RSS
for s in "${SERVERS[@]}"; do
	u=${URL[$s]}; a=${AUTH[$s]}
	echo "measuring $s" >&2
	# The small files reach groupd through WebDAV (rclone copy).
	if [ "$s" = groupd ]; then
		rclone copy "$WORK/small" ":webdav:/dav/files/team/small" --webdav-url "${u%/dav/files/team}" \
			--webdav-user bob@example.test --webdav-pass "$(rclone obscure password1)" --transfers 16 --config /dev/null 2> /dev/null
	fi
	# PUT with RSS sampling
	pid=${PID[$s]}
	base=$(rss_kb "$pid"); peak=$base
	# shellcheck disable=SC2086
	curl -s -f $a -T "$WORK/big" "$u/big.bin" -o /dev/null -w '%{speed_upload}\n' > "$WORK/put.$s" &
	cp=$!
	while kill -0 "$cp" 2>/dev/null; do
		r=$(rss_kb "$pid")
		if [ "$r" -gt "$peak" ]; then peak=$r; fi
		sleep 0.05
	done
	wait "$cp"
	PUT[$s]=$(awk '{printf "%.0f", $1 / 1e6}' "$WORK/put.$s")
	RSS[$s]=$(( (peak - base) / 1024 ))
	# shellcheck disable=SC2086
	GET[$s]=$(curl -s -f $a "$u/big.bin" -o /dev/null -w '%{speed_download}' | awk '{printf "%.0f", $1 / 1e6}')
	best=999999
	for _ in 1 2 3 4 5; do
		# shellcheck disable=SC2086
		t=$(curl -s -f $a -X PROPFIND -H 'Depth: 1' -H 'Content-Type: application/xml' \
			--data '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>' \
			"$u/small/" -o "$WORK/pf.$s" -w '%{time_total}' | awk '{printf "%.0f", $1 * 1000}')
		if [ "$t" -lt "$best" ]; then best=$t; fi
	done
	n=$(grep -o '<[A-Za-z0-9:]*response[ >]' "$WORK/pf.$s" | wc -l || true)
	PF[$s]="$best"
	echo "  $s: PROPFIND listed $((n - 1)) entries" >&2
done

ratio() { # groupd's figure over the best peer's; higher is better unless $2 = low
	local best="" v
	for s in "${SERVERS[@]}"; do
		[ "$s" = groupd ] && continue
		v=$(eval "echo \${$1[$s]}")
		if [ -z "$best" ]; then best=$v
		elif [ "$2" = low ] && [ "$v" -lt "$best" ]; then best=$v
		elif [ "$2" = high ] && [ "$v" -gt "$best" ]; then best=$v; fi
	done
	local g; g=$(eval "echo \${$1[groupd]}")
	if [ -z "$best" ]; then echo "-"; return; fi
	awk -v g="$g" -v b="$best" -v d="$2" 'BEGIN {
		if (d == "high") printf "%.2fx", (b ? g / b : 0)
		else if (g == 0) printf "%s", (b == 0 ? "1.00x" : "best")
		else printf "%.2fx", b / g }'
}

printf '\n%-28s' "figure"; for s in "${SERVERS[@]}"; do printf '%12s' "$s"; done; printf '%14s\n' "groupd/best"
row() { printf '%-28s' "$1"; for s in "${SERVERS[@]}"; do printf '%12s' "$(eval "echo \${$2[$s]}")"; done; printf '%14s\n' "$(ratio "$2" "$3")"; }
row "PUT ${SIZE_MB} MiB (MB/s)" PUT high
row "GET ${SIZE_MB} MiB (MB/s)" GET high
row "PROPFIND ${FILES} (ms)" PF low
row "RSS growth in PUT (MiB)" RSS low
echo "(ratios: above 1.00x groupd is better; targets: throughput >= best peer, PROPFIND < 200 ms, RSS growth < 32 MiB)"
