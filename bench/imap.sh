#!/bin/sh
# IMAP archive benchmarks (issue 7): a client's first sync of a 10,000-post
# group archive (UID FETCH 1:* (UID FLAGS ENVELOPE), target under 1 s) and
# SEARCH TEXT over it (target under 200 ms), against the real server on
# loopback with a real SQLite store. Prints the Go benchmark lines; the
# "first FETCH" lines are the cold-cache figures.
#
#   bench/imap.sh            # 3 iterations each
#   COUNT=10 bench/imap.sh
set -eu
cd "$(dirname "$0")/.."
go test -run '^$' -bench 'FetchEnvelopeFlags10k|SearchText10k' -benchtime "${COUNT:-3}x" ./imap |
	awk '/ns\/op/ { printf "%-45s %8.1f ms/op\n", $1, $3 / 1e6; next } /first FETCH|archived/ { sub(/^[ \t]+/, ""); print "  " $0 }'
