#!/usr/bin/env bash
# Runs groupd's whole test suite on a fresh Debian machine: installs the
# real clients the end-to-end tests drive (when missing), warms the build,
# checks vet and gofmt, then runs every test with the race detector, then
# the store's and the protocols' tests again on a throwaway PostgreSQL.
#   scripts/test.sh            (from the repository root or anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export DEBIAN_FRONTEND=noninteractive

# The Debian packages the tests use and one command (or Python module)
# each provides, checked before anything is installed.
packages=(litmus swaks cadaver rclone python3-caldav python3-icalendar vdirsyncer
	isync radicale postfix wrk hyperfine sqlite3 curl chromium)
needs_install() {
	local c
	for c in litmus swaks cadaver rclone vdirsyncer mbsync radicale smtp-sink smtp-source postfix \
		wrk hyperfine sqlite3 curl chromium; do
		command -v "$c" >/dev/null 2>&1 || { echo "test.sh: $c is missing"; return 0; }
	done
	# Debian's Python libraries live under Debian's interpreter.
	/usr/bin/python3 -c 'import caldav, icalendar' >/dev/null 2>&1 ||
		{ echo "test.sh: python3-caldav or python3-icalendar is missing"; return 0; }
	return 1
}

install_packages() {
	if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
		echo "test.sh: WARNING: not root or no apt-get; not installing ${packages[*]}." >&2
		echo "test.sh: tests that need a missing client skip (or fail when CI is set)." >&2
		return 0
	fi
	# Install Postfix with no mail system configured and no service started
	# by the package scripts: the tests use its smtp-sink/smtp-source, and
	# e2e/postfix runs private instances (postfix -c DIR start-fg, as root)
	# with configs of their own; the package creates the postfix user and
	# the postdrop group they need.
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null || true
	local policy=/usr/sbin/policy-rc.d added=0 status=0
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added=1
	fi
	{ apt-get update && apt-get install -y "${packages[@]}"; } || status=$?
	if [[ $added == 1 ]]; then rm -f "$policy"; fi
	if [[ $status != 0 ]]; then
		echo "test.sh: apt-get failed ($status)" >&2
		exit "$status"
	fi
}

if needs_install; then
	install_packages
fi

# The npm clients of e2e/npm (issue 17), pinned in e2e/package.json and
# e2e/package-lock.json, with the machine's Node.js; without node or npm
# those tests skip (or fail when CI is set).
if ! command -v npm >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
	apt-get install -y nodejs npm || echo "test.sh: WARNING: could not install nodejs and npm" >&2
fi
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	npm ci --prefix e2e --no-audit --no-fund
else
	echo "test.sh: WARNING: node or npm is missing; the e2e/npm tests skip (fail when CI is set)." >&2
fi

command -v go >/dev/null 2>&1 || { echo "test.sh: go is not installed (expected in /usr/local/go)" >&2; exit 1; }
go version

# Warm the build cache (a cold go-sqlite3 build takes minutes) and vet.
go build ./...
go vet ./...

unformatted=$(gofmt -l .)
if [[ -n $unformatted ]]; then
	echo "test.sh: gofmt needed on:" >&2
	echo "$unformatted" >&2
	exit 1
fi

go test -race -count=1 -timeout 40m ./...

# The same suite on PostgreSQL (issue 12): a throwaway PostgreSQL server
# (scripts/pgtest.sh: initdb and pg_ctl on a temporary directory, a unix
# socket only, Debian's postgresql package when initdb is missing), each
# test on a fresh database of its own. Without the race detector, which
# the SQLite pass above already ran over the same code: set PG_RACE=1 to
# add it. GROUPD_SKIP_POSTGRES=1 skips this pass.
if [[ -z ${GROUPD_SKIP_POSTGRES:-} ]]; then
	export PGTEST_DIR=${PGTEST_DIR:-$(mktemp -d /tmp/groupd-pgtest.XXXXXX)}
	trap 'scripts/pgtest.sh stop' EXIT
	GROUPD_TEST_POSTGRES=$(scripts/pgtest.sh start)
	export GROUPD_TEST_POSTGRES
	race=()
	if [[ -n ${PG_RACE:-} ]]; then race=(-race); fi
	go test "${race[@]}" -count=1 -timeout 40m ./groups/ ./api/ ./smtp/... ./imap/... ./dav/... \
		./web/ ./daemon/ ./e2e/...
	scripts/pgtest.sh stop
	trap - EXIT
	unset GROUPD_TEST_POSTGRES
fi

# Issue 8: in CI every fuzz target also fuzzes for a short time from its
# corpus (testdata/fuzz and the seeds); scripts/fuzz.sh alone runs 60 s each.
# A budget of executions, not of time: see scripts/fuzz.sh on go.dev/issue/75804.
if [[ -n ${CI:-} ]]; then
	FUZZTIME=${CI_FUZZTIME:-3000x} sh scripts/fuzz.sh
fi
