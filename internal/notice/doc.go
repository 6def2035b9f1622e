// Package notice writes groupd's own mail: the Group notifications (a
// group created, edited or deleted), join requests and their
// acknowledgements, and the masters' delivery reports.
//
// Its catalog (catalog.json, embedded) holds every sentence of those
// notices in each language the organisation may choose (config key
// `language`: "en" or "ko"), in the same shape as the web console's
// catalogs ("key": {"en": "...", "ko": "..."}), so that the console can
// show the same words (Entries). Message turns a notice into a message
// that any mail system carries: header fields RFC 2047 encoded and
// folded, and a body whose long lines are quoted-printable (RFC 2045
// §6.7), so that no line exceeds RFC 5322 §2.1.1's limits.
//
// The groups store decides when a notice goes, to whom and what it tells:
// a groups.Notice, which holds facts only (groups/notice.go). This
// package chooses the sentences that tell them (Render, render*.go):
// which catalog texts, in which order, as paragraphs, lines kept whole
// or quotations. It imports groups for those types and no other groupd
// package; the store does not import it, and is given a *Catalog as
// groups.Options.Notices by the daemon (daemon.StoreOptions).
package notice
