// Package smtp is groupd's mail: the inbound SMTP server for list
// addresses (SPEC §4) and the outbound queue that hands mail to the relay.
//
// Inbound ([Server]): RCPT accepts a hosted list address and its -owner,
// -join and -bounces+<token> companions, and nothing else (550 5.1.1 for
// an unknown local part, 550 5.7.1 for any other domain: never a relay).
// A private group's addresses answer a sender its list does not accept
// exactly as an unknown local part does (groups.Store.ResolveMailAddress
// decides, with the envelope sender and whether the session is trusted).
// The list's posting rule, groups.Store.MayPost, is asked at RCPT with the
// envelope sender (MayPostTo, on the list row the resolution read) and at
// DATA with each header From address. An accepted post gets the list
// headers (RFC 2369, RFC 2919, Precedence, X-Loop) and is committed with
// its queue row, its recipients (one bundle row) and its archive entry in
// one store transaction (grouped across sessions) before 250 is answered.
// Mail carrying the list's X-Loop, automatic mail (Auto-Submitted other
// than "no") and bounces (null sender) are accepted and not fanned out.
// Without a From rewrite (Options.FromRewrite, for DMARC) the sender's
// header fields and body pass byte for byte after the list's fields, so
// the author's DKIM signature still verifies; the sender's List-*,
// Precedence and Return-Path fields always go (the list's own), and only
// a signature that verifies counts for anything. A message with two From
// fields is refused; bare CR and LF become CRLF on acceptance. -owner mail is forwarded to
// the masters; -join mail becomes a join request to the masters and an
// acknowledgement to the requester, when the requester is verified (a
// trusted session or a passing DKIM signature of its domain: no
// backscatter to forged senders); RFC 3464 bounces to a VERP address
// count hard bounces of external members (5.7.x policy rejections do not
// count), only for a recipient the token's transaction carried and once
// per post, and disable one at Options.BounceLimit, telling the masters.
//
// Memory (issue 16 finding 6): DATA is read into a spool (spool.go), its
// first MiB in memory and the rest in an unlinked file under
// Options.SpoolDir; checks and DKIM read it from there. What holds a
// message whole (a list copy, an owner forward, a relayed submission)
// first takes three times its size from Options.Budget, the daemon's
// memory budget, or answers 452 4.3.1 (budget.go); the queue waits for
// its share before loading a message, keeps only small ones in its
// cache, and indexes the archive by the budget too.
//
// Invitations (invite.go): an accepted post that carries an iMIP
// invitation (RFC 6047: a text/calendar part with a method parameter, of
// at most Options.MaxInviteBytes) is also applied to the events calendar
// of the list's group when its event feature is on
// (groups.Store.ListCalendar): an iTIP REQUEST (RFC 5546) creates or
// updates the event of that UID, with the sender as ORGANIZER when it
// names none, unless the stored one has a higher SEQUENCE (or the same
// and a later DTSTAMP); a CANCEL removes it. A calendar that cannot be
// used is logged; the post goes out all the same.
//
// Anti-spoofing (inbound): a header From address in one of the internal
// domains is believed only when the connection comes from
// Options.TrustedNetworks (the organisation's MTAs; default loopback) or
// the message carries a passing DKIM signature (RFC 6376, go-msgauth,
// keys through Options.LookupTXT) of that domain or a parent of it;
// otherwise the posting rule treats the sender as external
// (groups.Store.MayPostUnverified).
//
// Submission ([Submission], RFC 6409): AUTH PLAIN (RFC 4616) and LOGIN
// through groups.Store.Login (throttled per IP and account; a few checks
// at a time), STARTTLS (RFC 3207) and implicit TLS (ServeTLS, RFC 8314);
// AUTH without TLS only on a loopback listener or with InsecureAuth.
// Every From address must pass groups.Store.MaySendAs: the user's own
// address, or a list address whose senders_as names the user (else 550
// 5.7.1 naming the rule). Hosted recipients (lists, companions) go
// through the inbound post path as a trusted sender; others are queued
// durably for the relay (Store.Enqueue) before 250, with the user as
// envelope sender, or <list>-owner@ when sent as the list.
//
// Outbound ([Queue]): reads the due rows of the queue (on SQLite the rows
// in flight are kept in memory, so run one queue per database; on
// PostgreSQL each node's queue claims its rows with a lease it renews,
// queue_claims.go), batches recipients
// of one message and one domain (up to 100 RCPT) into one transaction
// with the relay, MAIL and the RCPTs pipelined when the relay offers
// PIPELINING (RFC 2920), retries temporary failures on a schedule kept in
// SQLite, records permanent ones per recipient (reported to the masters),
// and resumes after a restart or a crash: a row is due until its outcome
// is recorded, so at most the transactions in flight at a crash are
// repeated. (The IMAP search text of archived posts is written by a
// worker of the daemon, not by the queue.)
// Outcomes of concurrent transactions are recorded in shared SQLite
// transactions; a worker waits for its outcome to be on disk before it
// takes the next batch. QueueOptions.ListRate caps the posts per list and
// hour (off by default); the queue holds the rest. The envelope sender of
// a post is <list>-bounces+<token>@<domain>, the token naming the first
// recipient row of the transaction (the DSN's Final-Recipient names the
// recipient when a transaction holds several).
//
// The grammar of those addresses (companions, VERP tokens, request
// addresses) is internal/listaddr's; the queue spells each transaction's
// envelope sender with it (deliver.go), the store stores the parts.
//
// What it stores: nothing of its own; everything goes through the groups
// store (tables outbound, outbound_bundles, outbound_rcpts, messages,
// list_bounces). A post is accepted with its recipients in a bundle; the
// queue has the store make their rows as it has room for them
// (inflight.go, groups.Store.Unbundle).
package smtp
