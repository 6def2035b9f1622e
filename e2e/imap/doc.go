// Package imap holds end-to-end tests of the read-only IMAP archive
// (issue 7, SPEC §1 and §4) against the real daemon: e2etest.Start runs it
// on loopback ports, users and groups are made over the HTTP API, posts
// arrive over SMTP at the list address, and the tests read them as
// members do — with go-imap v2's client and, when installed (always in
// CI), Python's imaplib (/usr/bin/python3) and mbsync (isync).
//
// What they check: LIST shows one mailbox per group the user belongs to
// and nothing of a private group to outsiders; FETCH returns the bytes the
// archive holds (read from the database itself, not through IMAP);
// SEARCH, per-user \Seen and \Flagged, IDLE announcing a post; APPEND,
// COPY, MOVE, EXPUNGE, CREATE, DELETE and RENAME answered NO with a
// reason; a member removed, the feature switched off, the archive purged
// or the group deleted over the API: BYE mid-session and LIST following;
// a group named in any script; a
// conversation converted over the API readable in date order; imaplib's
// and mbsync's view of a group mailbox; bad input (an overlong line,
// unknown commands, broken and oversized literals, 1,000 parallel logins
// from one address) answered clearly under the daemon's own limits while
// it keeps serving.
//
// The package has tests only.
package imap
