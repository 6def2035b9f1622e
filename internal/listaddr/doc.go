// Package listaddr is the grammar of the addresses around a mailing list
// (SPEC §4): its companions <list>-owner@, <list>-join@ and
// <list>-bounces@, the VERP bounce address of each post's transaction,
// <list>-bounces+<token>@, and the request address of a held post,
// <list>-request+<token>@, and the unsubscribe address of an external
// list address, <list>-unsubscribe+<token>@ (listaddr.go). Local parts are kept
// within 64 characters (RFC 5321 §4.5.3.1.1).
//
// Stored rows (outbound.mail_from, outbound.salt, held_posts.token) and
// mail already sent depend on these spellings: change none of them.
//
// The groups store stores and looks up what this package spells and
// reads; it takes it as groups.Options.Addresses (Grammar), set by the
// daemon. The SMTP queue spells each transaction's bounce address
// (VERPAddress, VERPToken) and an external copy's unsubscribe address
// (UnsubscribeAddress). This package imports no other groupd package.
package listaddr
