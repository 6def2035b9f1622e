#!/usr/bin/env bash
# bench/soak.sh — groupd under every protocol at once for 5 minutes.
# Builds the real daemon (go build -o DIR/groupd .) and the driver
# (bench/soak), which runs it on loopback with a generated config (data in
# a temporary directory, the relay a sink of the driver's), seeds a group
# over the admin API and, with 2 workers per protocol each starting at
# most 10 operations a second, sends SMTP posts to the list, CalDAV PUTs
# + sync-collection REPORTs, WebDAV PUTs + GETs of 64 KiB files (a fixed
# set of names, overwritten), IMAP SELECT + FETCH of the last 10 posts
# and API GETs. It prints per-protocol counts, errors, p50/p99 latencies
# and the daemon's RSS every 5 s, and exits 1 on any error or when RSS
# grew more than 48 MiB from the end of the 30 s warm-up to the end
# (the bound is explained in bench/soak/main.go, rssBound).
#
#   bench/soak.sh                      # 5 minutes
#   SOAK_DURATION=30s bench/soak.sh    # a quick run
#   bench/soak.sh -workers 4 -rss-growth 96   # flags go to the driver
#   bench/soak.sh -abuse               # issue 16: the second half under attack
#
# -abuse adds, in the second half, the attacks of the security audit's
# findings 1 (recurrence storms), 5 (slow request bodies) and 6 (26 MiB
# posts over the limit, IMAP FETCH of 20 MiB bodies never read), each from
# loopback addresses of its own (bench/soak/abuse.go). It then fails when
# the normal workload saw any error, when a protocol's p99 under attack is
# over 3x the quiet half's (floor 20 ms), or when RSS grew by more than
# -rss-growth + 128 MiB. What the attackers got back is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/groupd" .
go build -o "$bin/soak" ./bench/soak
"$bin/soak" -groupd "$bin/groupd" "$@"
