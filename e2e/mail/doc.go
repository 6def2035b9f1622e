// Package mail holds end-to-end tests of the mailing lists (issue 3, SPEC
// §4) against the real daemon: e2etest.Start runs it on loopback ports
// with a go-smtp server standing in as the relay (e2etest.StartRelay,
// which records every envelope), users and groups and their list
// settings are made over the HTTP API, and mail is posted with swaks (the
// Debian package; a test fails without it in CI) and go-smtp's client.
//
// What they check: swaks's transcript of the policy matrix (relay attempt
// 550 5.7.1, unknown hosted address 550 5.1.1, external sender to a
// block_external list, non-member to a members-only list, unlisted sender
// to a listed list, oversized 552 5.3.4, a good post 250) and that the
// relay gets the good posts once per member and nothing else; the copy
// a member and an external member get (List-Id, List-Post, List-Owner,
// List-Help, Precedence, X-Loop) and its VERP envelope sender; bad input
// (malformed MIME, bare LF, NUL, a 10,000-line header, a header injected
// through the display name, an oversized message) answered clearly, with
// the archive as read over IMAP, the outbound queue and the relay holding
// exactly the accepted posts, and the daemon still taking a good post.
//
// The package has tests only.
package mail
