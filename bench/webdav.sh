#!/usr/bin/env bash
# WebDAV folder benchmark (issue 6): the groupd daemon (the binary, built
# here, with a generated config: HTTP only, its SQLite store and blobs in a
# fresh data_dir), `rclone serve webdav` and Apache mod_dav (mod_dav_fs)
# side by side on loopback, each with the same data:
#
#   - PUT and GET of a 1 GiB file (MB/s, curl)
#   - PROPFIND Depth: 1 (allprop) of a folder of 10,000 files (ms)
#   - the server's peak RSS growth during the 1 GiB PUT (MiB)
#   - dd bs=4M conv=fsync of the same file to the same disk, each round,
#     and groupd's PUT as a share of it (issue 14: at least 0.8)
#
# ROUNDS rounds (default 3) of one PUT, three GETs and three PROPFINDs per
# server, taken server after server; each figure is the median of its
# samples (every sample is printed), the RSS growth the worst round's.
# Prints the figures and groupd's ratio to the best peer. Needs curl,
# rclone and apache2 (Debian packages, installed here when missing; a peer
# that cannot be installed is skipped).
#
#   bench/webdav.sh             # 1 GiB, 10,000 files
#   SIZE_MB=256 FILES=2000 ROUNDS=1 bench/webdav.sh
#   DB=postgres NODES=2 PEERS=0 FILES=0 bench/webdav.sh
#
# DB and NODES (bench/lib.sh) choose groupd's store; with NODES=2 the PUT
# goes to node a and the GETs to node b. PEERS=0 skips rclone and Apache;
# FILES=0 skips the small files and PROPFIND.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
SIZE_MB=${SIZE_MB:-1024}
FILES=${FILES:-10000}
ROUNDS=${ROUNDS:-3}
WORK=$(mktemp -d /tmp/webdav-bench.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$WORK"
	bench_backend_stop
}
trap cleanup EXIT
bench_backend_start
PEERS=${PEERS:-1}

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitport() { for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done; return 1; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

echo "preparing ${SIZE_MB} MiB file and ${FILES} small files in $WORK" >&2
head -c "$((SIZE_MB << 20))" /dev/urandom > "$WORK/big"
mkdir -p "$WORK/small"
if [ "$FILES" -gt 0 ]; then
	( cd "$WORK/small" && seq -f "file-%05g.txt" 1 "$FILES" | xargs -n 500 touch )
	for f in "$WORK"/small/*; do echo x > "$f"; done 2>/dev/null || true
fi
# The peers serve plain directories: they get the same files copied in
# before they start (rclone caches listings).
mkdir -p "$WORK/r" "$WORK/a/www"
cp -r "$WORK/small" "$WORK/r/small"
cp -r "$WORK/small" "$WORK/a/www/small"

declare -A URL PID AUTH GETURL
# groupd: the daemon binary, users and the group made over its API.
go build -o "$WORK/groupd" .
bench_fresh_db
# groupd_conf NODE PORT: node NODE's config, data in $WORK/gNODE.
groupd_conf() {
	mkdir -p "$WORK/g$1"
	cat > "$WORK/g$1/groupd.toml" <<CONF
data_dir = "$WORK/g$1/data"
log_level = "warn"
[mail]
relay = "127.0.0.1:9"
[listen]
smtp = ""
submission = ""
imap = ""
http = "127.0.0.1:$2"
[dav]
folder_quota = $((64 << 30))
CONF
	bench_db_toml "$1" >> "$WORK/g$1/groupd.toml"
}
port=$(freeport)
groupd_conf a "$port"
"$WORK/groupd" -config "$WORK/ga/groupd.toml" > "$WORK/g.log" 2>&1 &
PID[groupd]=$!; PIDS+=($!)
URL[groupd]="http://127.0.0.1:$port/dav/files/team"
AUTH[groupd]="-u bob@example.test:password1"
waitport "$port" || { echo "groupd did not start:" >&2; cat "$WORK/g.log" >&2; exit 1; }
api() { curl -s -f -o /dev/null -H "Authorization: Bearer $(cat "$WORK/ga/data/admin-token")" \
	-H 'Content-Type: application/json' "$@"; }
for u in alice bob; do
	api -X POST "http://127.0.0.1:$port/api/v1/users" \
		--data "{\"email\":\"$u@example.test\",\"name\":\"$u\",\"password\":\"password1\"}"
done
curl -s -f -o /dev/null -u alice@example.test:password1 -H 'Content-Type: application/json' \
	-X POST "http://127.0.0.1:$port/api/v1/groups" \
	--data '{"id":"team","name":"Team","members":["bob@example.test"]}'
# A second node on the same database serves the GETs.
if [ "$NODES" -gt 1 ]; then
	port=$(freeport)
	groupd_conf b "$port"
	"$WORK/groupd" -config "$WORK/gb/groupd.toml" > "$WORK/g2.log" 2>&1 &
	PIDS+=($!)
	waitport "$port" || { echo "groupd node b did not start:" >&2; cat "$WORK/g2.log" >&2; exit 1; }
	GETURL[groupd]="http://127.0.0.1:$port/dav/files/team"
fi
# rclone serve webdav
if [ "$PEERS" = 0 ]; then
	:
elif bench_need rclone rclone; then
	port=$(freeport)
	RCLONE_CONFIG=/dev/null rclone serve webdav "$WORK/r" --addr "127.0.0.1:$port" > "$WORK/r.log" 2>&1 &
	PID[rclone]=$!; PIDS+=($!)
	URL[rclone]="http://127.0.0.1:$port"
	AUTH[rclone]=""
fi
# Apache mod_dav
if [ "$PEERS" != 0 ] && bench_need /usr/sbin/apache2 apache2; then
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
# Apache 2.4.54+ refuses bodies over 1 GiB by default; SIZE_MB may be more.
LimitRequestBody 0
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

# The small files reach groupd through WebDAV (rclone copy; it takes
# minutes: rclone's WebDAV client paces itself to about 30 files/s, Apache
# gets no more from it); the peers got a copy.
if [ -n "${URL[groupd]:-}" ] && [ "$FILES" -gt 0 ]; then
	echo "copying ${FILES} small files into groupd with rclone" >&2
	rclone copy "$WORK/small" ":webdav:/dav/files/team/small" --webdav-url "${URL[groupd]%/dav/files/team}" \
		--webdav-user bob@example.test --webdav-pass "$(rclone obscure password1)" --transfers 16 --config /dev/null 2> /dev/null
fi

# put SERVER: PUT the big file, sampling the server's RSS; prints MB/s and
# the peak RSS growth in MiB.
put() {
	local s=$1 pid=${PID[$1]} base peak r cp
	# Log in first: a password check that groupd's 2-minute login cache
	# misses runs argon2id, which takes 19 MiB; that is not the upload's.
	# shellcheck disable=SC2086
	curl -s ${AUTH[$s]} -X PROPFIND -H 'Depth: 0' "${URL[$s]}/" -o /dev/null
	base=$(rss_kb "$pid"); peak=$base
	# shellcheck disable=SC2086
	curl -s -f ${AUTH[$s]} -T "$WORK/big" "${URL[$s]}/big.bin" -o /dev/null -w '%{speed_upload}\n' > "$WORK/put.$s" &
	cp=$!
	while kill -0 "$cp" 2>/dev/null; do
		r=$(rss_kb "$pid")
		if [ "$r" -gt "$peak" ]; then peak=$r; fi
		sleep 0.05
	done
	wait "$cp"
	echo "$(awk '{printf "%.0f", $1 / 1e6}' "$WORK/put.$s") $(( (peak - base) / 1024 ))"
}

# propfind SERVER: one PROPFIND Depth: 1 (allprop) of the small files, ms.
propfind() {
	# shellcheck disable=SC2086
	curl -s -f ${AUTH[$1]} -X PROPFIND -H 'Depth: 1' -H 'Content-Type: application/xml' \
		--data '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>' \
		"${URL[$1]}/small/" -o "$WORK/pf.$1" -w '%{time_total}' | awk '{printf "%.0f", $1 * 1000}'
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# ddput: the disk's own figure (issue 14), dd writing the same file to the
# same file system with one fsync at the end, as groupd does before 201;
# MB/s.
ddput() {
	local out
	out=$(dd if="$WORK/big" of="$WORK/dd.bin" bs=4M conv=fsync 2>&1 | tail -1)
	rm -f "$WORK/dd.bin"
	awk -v b="$(echo "$out" | awk '{print $1}')" -v t="$(echo "$out" | sed 's/.*copied, \([0-9.]*\) s.*/\1/')" \
		'BEGIN {printf "%.0f", b / t / 1e6}'
}
DD=""

# pgceiling: with DB=postgres, PostgreSQL's own figures for what the
# postgres BlobStore does, measured without groupd: psql's \copy of the
# same file, in 1 MiB bytea rows (binary COPY, as the BlobStore sends
# them), into a table like blob_chunks, committed; then out again. MB/s
# in, MB/s out.
pgceiling() {
	[ "$DB" = postgres ] || return 0
	local psql; psql=$(bench_psql)
	python3 - "$WORK/big" "$WORK/big.pgcopy" <<'PY'
import struct, sys
with open(sys.argv[1], 'rb') as f, open(sys.argv[2], 'wb') as out:
    out.write(b'PGCOPY\n\xff\r\n\x00' + struct.pack('>ii', 0, 0))
    seq = 0
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            break
        name = b'ceiling'
        out.write(struct.pack('>hi', 3, len(name)) + name + struct.pack('>iq', 8, seq) + struct.pack('>i', len(chunk)) + chunk)
        seq += 1
    out.write(struct.pack('>h', -1))
PY
	"$psql" -q "$BENCH_DSN_RUN" -c "DROP TABLE IF EXISTS ceiling; CREATE TABLE ceiling (name TEXT COLLATE \"C\" NOT NULL,
		seq BIGINT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (name, seq));
		ALTER TABLE ceiling ALTER COLUMN data SET STORAGE EXTERNAL; CHECKPOINT" >&2
	local t0 t1 t2
	t0=$(date +%s.%N)
	"$psql" -q "$BENCH_DSN_RUN" -c "\copy ceiling FROM '$WORK/big.pgcopy' WITH (FORMAT binary)" >&2
	t1=$(date +%s.%N)
	"$psql" -q "$BENCH_DSN_RUN" -c "\copy (SELECT data FROM ceiling ORDER BY seq) TO '/dev/null' WITH (FORMAT binary)" >&2
	t2=$(date +%s.%N)
	"$psql" -q "$BENCH_DSN_RUN" -c "DROP TABLE ceiling; CHECKPOINT" >&2
	rm -f "$WORK/big.pgcopy"
	awk -v b="$((SIZE_MB << 20))" -v a="$t0" -v m="$t1" -v e="$t2" 'BEGIN {printf "%.0f %.0f\n", b / (m - a) / 1e6, b / (e - m) / 1e6}'
}
PGIN=""; PGOUT=""

# Rounds go from server to server so that the load of a shared machine
# weighs on each alike. Each figure is the median of its samples; the RSS
# growth is the worst round's.
declare -A PUT GET PF RSS RSSS
for s in "${SERVERS[@]}"; do PUT[$s]=""; GET[$s]=""; PF[$s]=""; RSS[$s]=0; RSSS[$s]=""; done
for round in $(seq "$ROUNDS"); do
	DD+=" $(ddput)"
	if [ "$DB" = postgres ]; then
		read -r pin pout < <(pgceiling)
		PGIN+=" $pin"; PGOUT+=" $pout"
	fi
	for s in "${SERVERS[@]}"; do
		echo "round $round: $s" >&2
		read -r mbs rss < <(put "$s")
		PUT[$s]+=" $mbs"; RSSS[$s]+=" $rss"
		if [ "$rss" -gt "${RSS[$s]}" ]; then RSS[$s]=$rss; fi
		for _ in 1 2 3; do
			# shellcheck disable=SC2086
			GET[$s]+=" $(curl -s -f ${AUTH[$s]} "${GETURL[$s]:-${URL[$s]}}/big.bin" -o /dev/null -w '%{speed_download}' | awk '{printf "%.0f", $1 / 1e6}')"
			if [ "$FILES" -gt 0 ]; then PF[$s]+=" $(propfind "$s")"; else PF[$s]+=" 0"; fi
		done
	done
done
for s in "${SERVERS[@]}"; do
	echo "$s samples: PUT${PUT[$s]} | GET${GET[$s]} | PROPFIND${PF[$s]} | RSS growth${RSSS[$s]}" >&2
	PUT[$s]=$(median <<< "${PUT[$s]}"); GET[$s]=$(median <<< "${GET[$s]}"); PF[$s]=$(median <<< "${PF[$s]}")
done
for s in "${SERVERS[@]}"; do
	n=$(grep -o '<[A-Za-z0-9:]*response[ >]' "$WORK/pf.$s" 2>/dev/null | wc -l || true)
	echo "$s: PROPFIND listed $((n - 1)) entries" >&2
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
echo "dd bs=4M conv=fsync of the same file to the same disk: samples$DD MB/s, median $(median <<< "$DD");" \
	"groupd's PUT is $(awk -v g="${PUT[groupd]}" -v d="$(median <<< "$DD")" 'BEGIN {printf "%.2f", g / d}') of it (target >= 0.8)"
if [ "$DB" = postgres ]; then
	echo "PostgreSQL's own binary COPY of the same file in 1 MiB bytea rows (psql \\copy, no groupd): in: samples$PGIN MB/s," \
		"median $(median <<< "$PGIN"); out: samples$PGOUT MB/s, median $(median <<< "$PGOUT");" \
		"groupd's PUT is $(awk -v g="${PUT[groupd]}" -v d="$(median <<< "$PGIN")" 'BEGIN {printf "%.2f", g / d}') of it," \
		"its GET $(awk -v g="${GET[groupd]}" -v d="$(median <<< "$PGOUT")" 'BEGIN {printf "%.2f", g / d}')"
fi
echo "(ratios: above 1.00x groupd is better; targets: throughput >= best peer, PROPFIND < 200 ms, RSS growth < 32 MiB)"
echo "(groupd's RSS growth is measured with the login cached; a login the cache misses adds argon2id's 19 MiB)"
