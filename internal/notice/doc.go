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
// The package imports no other groupd package, and the groups store does
// not import it: the store, which decides when a notice goes, to whom
// and which sentences it says, is given a *Catalog (message.go) as
// groups.Options.Notices by the daemon.
package notice
