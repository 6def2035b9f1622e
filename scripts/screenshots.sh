#!/usr/bin/env bash
# Renders the web console's main pages (groups list, group page, create
# form, folder, messages, admin policy, and the groups list in Korean)
# into docs/console-<page>.png for the README: e2e/console's
# TestConsoleScreenshots builds groupd, runs it on a temporary directory
# with seeded users, groups, notes, events, files and posts, signs in with
# Debian's Chromium (headless, 1280x900 window) and saves each page whole.
#   scripts/screenshots.sh            (from the repository root or anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
export DEBIAN_FRONTEND=noninteractive

# Chromium draws the pages; a Korean font draws Korean names (without
# one they come out as empty boxes).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[[ -n $(fc-list :lang=ko 2>/dev/null) ]] || missing+=(fonts-nanum)
if ((${#missing[@]})); then
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
		apt-get update && apt-get install -y "${missing[@]}"
	else
		echo "screenshots.sh: missing ${missing[*]} (apt-get install ${missing[*]})" >&2
		exit 1
	fi
fi

mkdir -p docs
GROUPD_SCREENSHOTS="$PWD/docs" go test -count=1 -run '^TestConsoleScreenshots$' -v ./e2e/console/
ls -l docs/console-*.png
