// Package imap serves each group's message archive over IMAP4rev1
// (RFC 3501), read-only, with github.com/emersion/go-imap/v2's imapserver.
//
// A user logs in with their groupd email and password or an app password
// (LOGIN or AUTHENTICATE PLAIN, through groups.Store.Login: failures
// throttled per address and per account, outcomes logged without
// secrets). Authentication needs TLS (STARTTLS, RFC 3501 §6.2.1, or an
// implicit-TLS listener through ServeTLS, RFC 8314 §3.3) unless the
// listener is loopback or Options.InsecureAuth is set; the user then finds, under the "Groups"
// hierarchy, one mailbox per group they belong to with the message feature
// on, named by the group's name (UTF-8 internally; the library speaks
// modified UTF-7, or UTF-8 after ENABLE UTF8=ACCEPT, RFC 6855). INBOX
// exists and stays empty because clients expect it.
//
// Every post the list archived is a message; UIDs come from the archive
// and never go back, UIDVALIDITY is fixed for a group's life. FETCH
// returns the archived bytes unchanged. SEARCH runs over the archive,
// with ESEARCH (RFC 4731) and SEARCHRES (RFC 5182: "$" in numset.go);
// SORT and THREAD (RFC 5256, sort.go, thread.go), which go-imap does not
// dispatch, are rewritten by the command guard into a marked SEARCH that
// the session answers (sortcmd.go); LIST … RETURN (STATUS …) (RFC 5819)
// counts every group in one store query per hundred groups.
// CONDSTORE and QRESYNC (RFC 7162) give every message a mod-sequence per
// user (groups/imap_modseq.go): the guard reads their syntax, which
// go-imap does not know, and hands the session markers (condguard.go,
// condrewrite.go); what go-imap cannot write (MODSEQ items, HIGHESTMODSEQ,
// ENABLED, the QRESYNC answer of SELECT) the guard adds to its output
// (condout.go); the session answers (qresync.go, condflags.go,
// condsearch.go). A user's flag change in one session reaches their other
// sessions by the change feed as an unsolicited FETCH.
// Flags (\Seen, \Answered, \Flagged, \Draft, keywords) are kept per user;
// their grammar (which system flags a user keeps, how STORE combines
// flags, which keywords are kept: RFC 3501 §2.3.2, §6.4.6, §9) is this
// package's (flags.go), and the store keeps the result as strings.
// APPEND, EXPUNGE, COPY, MOVE, CREATE, DELETE and RENAME answer NO.
//
// The server follows groups' change feed for IDLE, and after every other
// command asks the store (one query: access, and the posts above the last
// UID it knew, that one included): new posts are announced (EXISTS); a
// member removed, a feature switched off, a group deleted or its archive
// purged (the last known UID gone) ends a session that has the mailbox
// selected with BYE at the very next command, and LIST stops showing it
// at once (LIST asks the store every time). A password change or a
// deleted account (groups.ChangeSessionsEnded) ends every open session of
// that user at once with BYE, idle or not (issue 16 item 2).
//
// Limits: a line longer than Options.MaxLineLength ends the connection
// with BYE [TOOBIG]; one address may hold Options.MaxConnsPerIP
// connections (more are greeted with BYE [UNAVAILABLE]); password checks
// run a few at a time and an address the store throttles gets NO
// [UNAVAILABLE]; FETCH holds at most Options.FetchBytes of message
// data at a time, takes it from the daemon's memory budget
// (Options.Budget; NO [LIMIT] when spent) and sends a message larger
// than 1 MiB in pieces (stream.go); each write times out after
// Options.WriteTimeout. A sequence or UID set is resolved by sorting and
// merging its ranges (ranges·log + result, whatever they cover), SEARCH's
// sets once per command, so thousands of ranges cost a client more than
// the server. A command guard (guard.go) reads each command line before
// go-imap's parser on every listener, before and after STARTTLS (which
// it performs itself, with the login rule and the capability lists:
// guardtls.go): it answers what the parser answers badly (huge
// synchronising literals, deep nesting, mailbox names that are not
// modified UTF-7) and, after ENABLE UTF8=ACCEPT, passes "&" in names on
// as the literal character RFC 6855 makes it (mailboxname.go).
//
// What it stores: nothing on disk of its own. The groups store keeps, for
// this package, imap_mailboxes (per-group UID and mod-sequence counters),
// imap_flags (per-user flags, with the mod-sequence of their last change)
// and imap_text (each post's decoded, lower-cased search
// text, extracted by internal/searchtext and written by the daemon's
// indexer; a search first indexes what its group still lacks), reached through groups.Store's
// Imap* methods, which ask groups.Store.Authorize. In memory the server
// keeps a bounded cache of parsed envelopes (posts never change).
package imap
