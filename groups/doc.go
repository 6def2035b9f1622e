// Package groups is groupd's model: users, groups, masters and members,
// mailing-list settings, organisation policy, notes, profiles, and the
// feature data that the protocol packages serve (archive messages, calendar
// objects, folder entries), all stored in one database: SQLite (the
// default) or PostgreSQL (Options.Driver).
//
// Every rule of SPEC §1 lives here and nowhere else. Protocol packages ask
// [Store.Authorize] (or a method that calls it) and map the sentinel errors
// (ErrNotFound, ErrDenied, ErrConflict, ErrInvalid, ErrUnauthenticated,
// ErrTooLarge) to their own answers. A private group answers a non-member
// with ErrNotFound, exactly like a group that does not exist; so do its
// mail addresses ([Store.ResolveMailAddress]).
//
// What it stores: the SQLite database at Options.Path (WAL, foreign keys,
// busy timeout, secure_delete, writes in immediate transactions, schema
// migrated at open against PRAGMA user_version; purges and group
// deletions end with a TRUNCATE checkpoint, so deleted data is left in no
// file), or the PostgreSQL database at Options.DSN; and folder contents
// in a BlobStore (blob.go): files under Options.BlobDir (blob_fs.go, the
// default with SQLite) or 1 MiB chunks in the PostgreSQL database
// (blob_pg.go, the default there), streamed both ways. CopyDatabase
// (copydb*.go) moves a SQLite store and its blobs into an empty
// PostgreSQL database and verifies the copy.
//
// Two databases, one store: every statement is written once, with ?
// placeholders and SQL that both accept (ON CONFLICT, RETURNING,
// octet_length, 0/1 integer flags). An unexported dialect (dialect.go)
// is the only seam: it rebinds ? to $n on PostgreSQL (once per statement
// text, cached), passes Go bools as 0/1, recognises unique violations,
// and holds the few fragments whose text must differ. Migrations are per
// dialect and numbered in lockstep (migrations/ and migrations/postgres/,
// the n-th file of each giving schema version n); on PostgreSQL the
// version is the groupd_schema row and migrations run under an advisory
// lock, so that nodes starting together do not race.
//
// Writes are serialised, and the rules that check then act (the last
// master, WebDAV locks, quota, If-Match, IMAP flags, the list rate limit,
// id allocation) rely on it: on SQLite by the one writer connection and
// BEGIN IMMEDIATE; on PostgreSQL by one transaction-scoped advisory lock
// (pg_advisory_xact_lock) that every write transaction takes first, so
// that writes run one at a time across every node on the database, as on
// SQLite, while reads use a pool. Finer locks are a later step. On
// PostgreSQL, Backup refuses (use pg_dump), Check checks the blobs only,
// and nothing SQLite-specific (PRAGMAs, checkpoints, file modes) runs;
// with the fs BlobStore there, BlobDir must be given (every node sharing
// it); blob sweeps run under an advisory lock, one node at a time.
// Several nodes on one PostgreSQL database (node.go): queue rows and
// posts to index are claimed per node with a lease (mail_claim.go),
// failed logins are counted in a table (login_shared.go) and the admin
// token is shared (admin_token.go). Changes that other protocols must learn of (a new post, a
// removed member) are published on the change feed ([Store.Subscribe]) after
// they commit. Mail that groupd itself sends (notifications) is written to
// the durable outbound queue, which the smtp package delivers.
//
// What the store keeps and what it is given. The store keeps tables,
// transactions and the rules of SPEC §1; it imports no other groupd
// package (imports_test.go checks). Protocol semantics are given to it
// through Options, which the daemon sets (daemon.StoreOptions; tests:
// internal/testkit.StoreOptions):
//   - Options.SearchText: the MIME and RFC 2047 decoding of IMAP SEARCH
//     text (internal/searchtext); the store keeps what it returns in
//     imap_text.
//   - Options.ImapParse: what IMAP FETCH ENVELOPE and BODYSTRUCTURE make
//     of a post (imap), kept as opaque bytes in imap_parsed.
//   - Options.Addresses: the grammar of a list's companion, VERP bounce,
//     request and unsubscribe addresses (internal/listaddr); the store
//     stores and looks up the parts (outbound.mail_from and salt,
//     held_posts.token) and signs and checks unsubscribe tokens
//     (unsubscribe_token.go).
//   - Options.Notices: the words and message format of notices
//     (internal/notice). The store decides when one goes, to whom and
//     what it tells, as a value of facts (notice.go: a GroupNotice,
//     JoinRequestNotice...), and queues it in the same transaction;
//     which sentences tell it is internal/notice's (Notices.Render).
//
// Elsewhere: the IMAP flag grammar is imap's (imap/flags.go; the store
// keeps flags as strings, ImapStoreFlags taking the change to make), the
// spelling of each transaction's VERP envelope sender is smtp's, and the
// daemon schedules the indexing of new posts for search
// (daemon/index.go calling IndexArchive).
package groups
