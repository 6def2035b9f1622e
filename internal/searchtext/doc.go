// Package searchtext extracts the text that IMAP SEARCH TEXT and BODY
// look in (RFC 3501 §6.4.4) from a raw message: the header with its
// RFC 2047 encoded words decoded, and the body decoded from its transfer
// encoding (RFC 2045 §6), every text part of a multipart message
// (RFC 2046 §5.1), both lower-cased.
//
// The groups store keeps the extracted text (table imap_text) but does
// not know MIME: the daemon gives it Extract as groups.Options.SearchText.
// This package imports no other groupd package.
package searchtext
