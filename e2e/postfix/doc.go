// Package postfix holds end-to-end tests of groupd between two real
// Postfix instances (issue 17, "A real MTA in front and behind"), the way
// the README tells an organisation to deploy it:
//
//	sender → mx (inbound Postfix) → groupd → relay (outbound Postfix) → Maildirs
//	                 ↑                                  │
//	                 └──────── the relay's DSNs ─────────┘
//
// Each test starts its own chain: groupd in-process (e2etest.Start, on
// loopback ports, mail.relay the relay, mail.bounce_limit 1), then both
// Postfix instances at once as private instances (postfix -c DIR
// start-fg: own main.cf, master.cf, queue, data directory and log file
// under a directory in the system's temporary directory, smtpd on a free
// loopback port, no DNS). The mx relays lists.example.test to groupd
// (relay_domains, transport_maps); the relay delivers example.test and
// partner.test to Maildirs (virtual_mailbox_*) and accepts an address
// without a mailbox only to bounce it with its own DSN, which goes to the
// mx (transport_maps, standing in for the MX record) and on to groupd's
// -bounces+<token> address. Queues are flushed with postqueue -f while a
// test waits; each instance is stopped with postfix stop (its process
// group killed if it does not end) and its directory removed when the
// test ends, pass or fail.
//
// What they check, as a mail reader and a list master would see it: a
// post reaches every member's Maildir once with groupd's list fields and
// both Postfixes' Received lines; the relay's DSN for an unknown external
// member is counted against that member alone (the master's notice, the
// next post); an SMTPUTF8 post with a Korean sender and Subject passes
// the whole chain. TestREADMEQuotesSettings keeps the README's quoted
// main.cf lines equal to the ones used here.
//
// Postfix must be installed (scripts/test.sh installs Debian's package)
// and the test run as root, which a private instance needs; otherwise
// the tests skip, or fail when CI is set.
//
// The package has tests only.
package postfix
