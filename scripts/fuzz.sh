#!/bin/sh
# fuzz.sh runs every fuzz target of groupd for FUZZTIME each (default 60s)
# and prints the executions per target. FUZZTIME=10s scripts/fuzz.sh for a
# short run (CI); FUZZ_PARALLEL sets the workers per target (default 1, so
# that the machine stays usable). A crasher is written by go test under the
# package's testdata/fuzz/<Target>/ and the script exits non-zero.
# FUZZ_PKGS limits the run to some packages ("./smtp ./api").
# `go test ./...` runs the seeds alone.
set -u
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-60s}
PAR=${FUZZ_PARALLEL:-1}
LOGDIR=${FUZZ_LOGDIR:-$(mktemp -d)}
status=0
summary=""
for pkg in ${FUZZ_PKGS:-./smtp ./groups ./api ./config ./imap ./dav/folder ./dav/calendar}; do
	[ -d "$pkg" ] || continue
	targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$pkg"/*_test.go 2>/dev/null | sed 's/^func //')
	for t in $targets; do
		log="$LOGDIR/$t.log"
		printf '%-28s %-16s ' "$t" "$pkg"
		if go test "$pkg" -run '^$' -fuzz "^$t\$" -fuzztime "$FUZZTIME" -parallel "$PAR" >"$log" 2>&1; then
			res=ok
		else
			res=FAIL
			status=1
		fi
		execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | sed 's/execs: //')
		echo "$res execs=${execs:-?}"
		summary="$summary$t $res ${execs:-?}\n"
		[ "$res" = ok ] || tail -20 "$log"
	done
done
printf '\nlogs in %s\n' "$LOGDIR"
exit $status
