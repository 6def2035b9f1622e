// Package groups is groupd's model: users, groups, masters and members,
// mailing-list settings, organisation policy, notes, profiles, and the
// feature data that the protocol packages serve (archive messages, calendar
// objects, folder entries), all stored in one SQLite database.
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
// file) and, for folder contents, blobs under
// Options.BlobDir. Changes that other protocols must learn of (a new post, a
// removed member) are published on the change feed ([Store.Subscribe]) after
// they commit. Mail that groupd itself sends (notifications) is written to
// the durable outbound queue, which the smtp package delivers.
package groups
