#!/usr/bin/env bash
# bench/smtp.sh — groupd's mail path with Postfix's smtp-sink as the relay.
# Builds the real daemon (go build -o DIR/groupd .), runs it on a generated
# config with smtp-sink as mail.relay, seeds the lists over the admin API
# and prints (a) the time from 250 to the last of 10,000 recipients handed
# to the relay and (b) the durable acceptance rate with smtp-source (20
# sessions, 4 KB posts, 100-recipient list), each beside the raw
# smtp-source -> smtp-sink figure of the same run, as a ratio; three runs
# and their medians. Flags go to smtpbench (-runs N, -posts N, -rcpts N,
# -raw=false). DB=postgres [NODES=2] puts the store on PostgreSQL (see
# bench/lib.sh).
# Needs the Debian postfix package (smtp-sink, smtp-source), installed here
# when missing (bench/lib.sh bench_need). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
for tool in smtp-sink smtp-source; do
	bench_need "$tool" postfix || { echo "bench/smtp.sh: $tool missing (apt-get install postfix)" >&2; exit 1; }
done
bin=$(mktemp -d)
trap 'rm -rf "$bin"; bench_backend_stop' EXIT
bench_backend_start
go build -o "$bin/groupd" .
go build -o "$bin/smtpbench" ./smtp/internal/smtpbench
"$bin/smtpbench" -groupd "$bin/groupd" "${BENCH_FLAGS[@]}" "$@"
