#!/usr/bin/env bash
# bench/curves.sh — how groupd's cost grows with the work (issue 14), one
# point per size, each drawn with Debian's gnuplot to a PNG under docs/
# (installed here when missing):
#
#   curves-mail.png   durable acceptance (posts/s) and fan-out (250 to the
#                     last recipient at the relay, s) for lists of
#                     LIST_SIZES addresses (smtpbench -list/-rcpts)
#   curves-caldav.png one-month calendar-query and sync-collection after
#                     10 changes (ms) for calendars of EVENT_SIZES events
#                     (bench/caldav.sh without Radicale)
#   curves-imap.png   a client's first sync, UID FETCH 1:* (UID FLAGS
#                     ENVELOPE BODYSTRUCTURE), cold, and UID SEARCH TEXT
#                     (ms) for mailboxes of POST_SIZES posts (bench/imap.sh
#                     without Dovecot)
#   curves-ac.png     autocomplete p99 over HTTP (ms) for GROUP_SIZES groups
#                     (acbench; 20,000 users with 50 memberships each)
#   curves-rss.png    groupd's peak RSS (MiB) at each point of the four
#
# Both axes are logarithmic, so a cost that grows linearly with the work
# is a line of slope 1 and one that does not grow is flat; the data are
# printed and kept in docs/curves-*.dat beside the plots.
#
#   bench/curves.sh                      # the issue's sizes (long: about
#                                        # half an hour on 2 cores)
#   CURVES_QUICK=1 bench/curves.sh       # up to 10,000 (100,000 groups)
#   LIST_SIZES="10 100" EVENT_SIZES= POST_SIZES= GROUP_SIZES= bench/curves.sh
#   DB=postgres bench/curves.sh          # see bench/lib.sh
#   CURVES_ONLY="mail imap" bench/curves.sh   # measure these curves only;
#                                        # the others keep their .dat and
#                                        # are drawn again from it
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
if [ "${CURVES_QUICK:-}" = 1 ]; then
	LIST_SIZES=${LIST_SIZES-"10 100 1000 10000"}
	EVENT_SIZES=${EVENT_SIZES-"1000 10000"}
	POST_SIZES=${POST_SIZES-"1000 10000"}
	GROUP_SIZES=${GROUP_SIZES-"1000 10000 100000"}
fi
LIST_SIZES=${LIST_SIZES-"10 100 1000 10000 100000"}
EVENT_SIZES=${EVENT_SIZES-"1000 10000 100000"}
POST_SIZES=${POST_SIZES-"1000 10000 100000"}
GROUP_SIZES=${GROUP_SIZES-"1000 10000 100000 1000000"}
OUT=${OUT:-docs}
WORK=$(mktemp -d /tmp/curves.XXXXXX)
trap 'rm -rf "$WORK"; bench_backend_stop' EXIT
if ! command -v gnuplot >/dev/null; then
	apt-get install -y gnuplot-nox >/dev/null || (apt-get update >/dev/null && apt-get install -y gnuplot-nox >/dev/null)
fi
bench_backend_start
go build -o "$WORK/groupd" .
go build -o "$WORK/smtpbench" ./smtp/internal/smtpbench
go build -o "$WORK/acbench" ./groups/internal/acbench
mkdir -p "$OUT"
rss() { sed -n "s/.*peak RSS: \([0-9]*\) MiB.*/\1/p" "$1" | tail -1; }

# Mail: fewer posts for larger lists, so that each point writes about the
# same number of recipient rows (at least 20 posts).
# measure NAME: whether this run measures curve NAME (CURVES_ONLY).
measure() { [ -z "${CURVES_ONLY:-}" ] || [[ " $CURVES_ONLY " == *" $1 "* ]]; }
measure mail || LIST_SIZES=""
measure caldav || EVENT_SIZES=""
measure imap || POST_SIZES=""
measure ac || GROUP_SIZES=""

measure mail && echo "# addresses posts_per_s fanout_s rss_mib" > "$OUT/curves-mail.dat"
for n in $LIST_SIZES; do
	posts=$((200000 / n)); posts=$((posts < 20 ? 20 : posts > 2000 ? 2000 : posts))
	echo "mail: a list of $n, $posts posts" >&2
	"$WORK/smtpbench" -groupd "$WORK/groupd" "${BENCH_FLAGS[@]}" -runs 1 -raw=false -rcpts "$n" -list "$n" \
		-posts "$posts" > "$WORK/mail.$n" 2>&1 || { cat "$WORK/mail.$n" >&2; exit 1; }
	fan=$(sed -n 's/.*(a) .*: groupd \([0-9.]*\) s.*/\1/p' "$WORK/mail.$n")
	rate=$(sed -n 's/.*(b) .*: groupd \([0-9.]*\) posts\/s.*/\1/p' "$WORK/mail.$n")
	echo "$n $rate $fan $(rss "$WORK/mail.$n")" >> "$OUT/curves-mail.dat"
done

# CalDAV, groupd alone.
measure caldav && echo "# events query_ms sync_ms rss_mib" > "$OUT/curves-caldav.dat"
if [ -n "$EVENT_SIZES" ]; then
	PEERS=0 SIZES="$EVENT_SIZES" bash bench/caldav.sh > "$WORK/caldav" 2>&1 || { cat "$WORK/caldav" >&2; exit 1; }
	awk '/^[0-9]+ events/ {n = $1} /^calendar-query/ {q = $(NF)} /^sync-collection/ {s = $(NF)}
		/peak RSS/ {print n, q, s, $(NF - 1)}' "$WORK/caldav" >> "$OUT/curves-caldav.dat"
fi

# IMAP, groupd alone.
measure imap && echo "# posts first_sync_ms search_ms rss_mib" > "$OUT/curves-imap.dat"
for n in $POST_SIZES; do
	echo "imap: $n posts" >&2
	DOVECOT= POSTS="$n" RUNS=1 bash bench/imap.sh > "$WORK/imap.$n" 2>&1 || { cat "$WORK/imap.$n" >&2; exit 1; }
	first=$(sed -n 's/.*posts: first \([0-9.]*\) ms.*/\1/p' "$WORK/imap.$n")
	search=$(sed -n 's/^UID SEARCH TEXT.*median \([0-9.]*\) ms.*/\1/p' "$WORK/imap.$n")
	echo "$n $first $search $(rss "$WORK/imap.$n")" >> "$OUT/curves-imap.dat"
done

# Autocomplete.
measure ac && echo "# groups p99_ms rss_mib" > "$OUT/curves-ac.dat"
for n in $GROUP_SIZES; do
	echo "autocomplete: $n groups" >&2
	"$WORK/acbench" -groupd "$WORK/groupd" "${BENCH_FLAGS[@]}" -groups "$n" > "$WORK/ac.$n" 2>&1 ||
		{ cat "$WORK/ac.$n" >&2; exit 1; }
	p99=$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' "$WORK/ac.$n")
	echo "$n $p99 $(rss "$WORK/ac.$n")" >> "$OUT/curves-ac.dat"
done

for f in mail caldav imap ac; do echo "== $OUT/curves-$f.dat"; cat "$OUT/curves-$f.dat"; done
label="groupd, $DB, $(nproc) cores, $(date -u +%Y-%m-%d)"
plot() { # NAME TITLE XLABEL YLABEL PLOTS
	gnuplot <<-GP
	set terminal pngcairo size 720,440 noenhanced font ",10"
	set output "$OUT/curves-$1.png"
	set title "$2 ($label)"
	set xlabel "$3"; set ylabel "$4"
	set logscale xy; set grid; set key top left
	set datafile missing "?"
	plot $5
	GP
}
d() { echo "\"$OUT/curves-$1.dat\""; }
plot mail "Mail: acceptance and fan-out" "list addresses" "posts/s ; s" \
	"$(d mail) using 1:2 with linespoints title 'durable acceptance (posts/s)', $(d mail) using 1:3 with linespoints title 'fan-out, 250 to last recipient (s)'"
plot caldav "CalDAV" "events in the calendar" "ms" \
	"$(d caldav) using 1:2 with linespoints title 'one-month calendar-query', $(d caldav) using 1:3 with linespoints title 'sync-collection after 10 changes'"
plot imap "IMAP" "posts in the mailbox" "ms" \
	"$(d imap) using 1:2 with linespoints title 'first sync, cold', $(d imap) using 1:3 with linespoints title 'UID SEARCH TEXT'"
plot ac "Autocomplete" "groups" "ms" "$(d ac) using 1:2 with linespoints title 'p99 over HTTP'"
plot rss "Peak RSS" "work (addresses, events, posts, groups)" "MiB" \
	"$(d mail) using 1:4 with linespoints title 'mail', $(d caldav) using 1:4 with linespoints title 'CalDAV', $(d imap) using 1:4 with linespoints title 'IMAP', $(d ac) using 1:3 with linespoints title 'autocomplete'"
echo "plots: $OUT/curves-{mail,caldav,imap,ac,rss}.png"
