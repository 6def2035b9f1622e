#!/usr/bin/env bash
# bench/imap.sh — the IMAP archive (issue 7) of the real daemon binary.
# Builds groupd (go build -o DIR/groupd .) and imap/internal/imapbench,
# which runs groupd on a generated config (loopback ports, a discard
# relay), seeds alice and bob in "team" over the admin API, posts 10,000
# realistic 2.5 KB messages to the list over SMTP, then as bob over IMAP
# times a client's first sync, UID FETCH 1:* (UID FLAGS ENVELOPE) of all
# 10,000 (target under 1 s), and a SEARCH TEXT with one hit (target under
# 200 ms): the first FETCH apart (cold caches), then RUNS of each and the
# median. Loopback only; the data directory is removed afterwards.
#
#   bench/imap.sh                   # 10,000 posts, 3 runs
#   POSTS=2000 RUNS=5 bench/imap.sh
#   DB=postgres NODES=2 bench/imap.sh   # see bench/lib.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bin=$(mktemp -d)
trap 'rm -rf "$bin"; bench_backend_stop' EXIT
bench_backend_start
go build -o "$bin/groupd" .
go build -o "$bin/imapbench" ./imap/internal/imapbench
"$bin/imapbench" -groupd "$bin/groupd" "${BENCH_FLAGS[@]}" -posts "${POSTS:-10000}" -runs "${RUNS:-3}" "$@"
