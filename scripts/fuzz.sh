#!/bin/sh
# fuzz.sh runs every fuzz target of groupd for FUZZTIME each (default 60s)
# and prints the executions per target. FUZZTIME=10s scripts/fuzz.sh for a
# short run; FUZZTIME=2000x for a budget of executions instead of time (what
# CI uses: Go 1.26's fuzz coordinator can fail a target with a bare "context
# deadline exceeded" when a duration -fuzztime expires while a worker is
# mid-call, go.dev/issue/75804, fixed in Go 1.27; a count has no deadline to
# race). In duration mode such a bare failure, with no failing input written,
# is run once more and fails only if it happens again.
# FUZZ_MINIMIZE bounds the shrinking of each new interesting input (default
# 5s; Go's own default of 60s can take a slow target's whole run).
# FUZZ_PARALLEL sets the workers per target (default 1, so
# that the machine stays usable). A crasher is written by go test under the
# package's testdata/fuzz/<Target>/ and the script exits non-zero.
# FUZZ_PKGS limits the run to some packages ("./smtp ./api").
# `go test ./...` runs the seeds alone.
set -u
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-60s}
PAR=${FUZZ_PARALLEL:-1}
MIN=${FUZZ_MINIMIZE:-5s}
LOGDIR=${FUZZ_LOGDIR:-$(mktemp -d)}
status=0
summary=""

fuzz_one() { # pkg target log
	go test "$1" -run '^$' -fuzz "^$2\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$MIN" -parallel "$PAR" >"$3" 2>&1
}

# deadline_race: the log shows the toolchain's fuzztime race and nothing
# else: "context deadline exceeded", no failing input, no panic.
deadline_race() {
	grep -q 'context deadline exceeded' "$1" &&
		! grep -q -e 'Failing input written' -e 'panic:' -e '_test.go:[0-9]' "$1"
}
for pkg in ${FUZZ_PKGS:-./smtp ./groups ./api ./internal/mbox ./internal/recur ./config ./imap ./dav/folder ./dav/calendar}; do
	[ -d "$pkg" ] || continue
	targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$pkg"/*_test.go 2>/dev/null | sed 's/^func //')
	for t in $targets; do
		log="$LOGDIR/$t.log"
		printf '%-28s %-16s ' "$t" "$pkg"
		res=ok
		if ! fuzz_one "$pkg" "$t" "$log"; then
			if deadline_race "$log"; then
				mv "$log" "$log.deadline-race"
				fuzz_one "$pkg" "$t" "$log" || res=FAIL
			else
				res=FAIL
			fi
		fi
		[ "$res" = ok ] || status=1
		execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | sed 's/execs: //')
		echo "$res execs=${execs:-?}"
		summary="$summary$t $res ${execs:-?}\n"
		[ "$res" = ok ] || tail -20 "$log"
	done
done
printf '\nlogs in %s\n' "$LOGDIR"
exit $status
