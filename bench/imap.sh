#!/usr/bin/env bash
# bench/imap.sh — the IMAP archive of the real daemon binary beside Dovecot
# (issues 7 and 14). Builds groupd (go build -o DIR/groupd .) and
# imap/internal/imapbench, which runs groupd on a generated config
# (loopback ports, a discard relay), seeds alice and bob in "team" over
# the admin API, posts 10,000 realistic 2.5 KB messages to the list over
# SMTP, then as bob over IMAP times a client's first sync, UID FETCH 1:*
# (UID FLAGS ENVELOPE BODYSTRUCTURE) of all 10,000, cold and again (target
# under 1 s), UID SEARCH TEXT of a word 1% of the posts hold (target under
# 200 ms), UID FETCH BODY.PEEK[] of 100 random posts, and the time from a
# post's 250 to the untagged EXISTS on an IDLE connection. It then writes
# the same posts, byte for byte, into a Maildir, runs Debian's Dovecot on
# it (dovecot-imapd, installed here when missing; a plain config, no FTS
# plugin), times the same and prints both with the ratio (Dovecot/groupd:
# above 1, groupd is faster). Loopback only; the data is removed after.
#
#   bench/imap.sh                   # 10,000 posts, 3 runs
#   POSTS=2000 RUNS=5 bench/imap.sh
#   DOVECOT= bench/imap.sh          # groupd alone
#   DB=postgres NODES=2 bench/imap.sh   # see bench/lib.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bin=$(mktemp -d)
trap 'rm -rf "$bin"; bench_backend_stop' EXIT
bench_backend_start
if [ -n "${DOVECOT-dovecot}" ] && ! command -v dovecot >/dev/null && ! [ -x /usr/sbin/dovecot ]; then
	apt-get install -y dovecot-imapd >/dev/null || (apt-get update >/dev/null && apt-get install -y dovecot-imapd >/dev/null) ||
		echo "bench/imap.sh: could not install dovecot-imapd; measuring groupd alone" >&2
fi
go build -o "$bin/groupd" .
go build -o "$bin/imapbench" ./imap/internal/imapbench
PATH=$PATH:/usr/sbin "$bin/imapbench" -groupd "$bin/groupd" -dovecot "${DOVECOT-dovecot}" "${BENCH_FLAGS[@]}" -posts "${POSTS:-10000}" -runs "${RUNS:-3}" "$@"
