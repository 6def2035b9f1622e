package groups

import (
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"
)

// Options configure a Store.
type Options struct {
	// Driver is the database: DriverSQLite ("sqlite", the default) or
	// DriverPostgres ("postgres").
	Driver string
	// Path of the SQLite database file. Required with SQLite; unused with
	// PostgreSQL.
	Path string
	// DSN is the PostgreSQL connection string (a URL or key=value pairs).
	// Required with PostgreSQL; unused with SQLite.
	DSN string
	// Blobs is where folder contents are kept (the BlobStore): BlobsFS,
	// files in BlobDir, or BlobsPostgres, chunks in the PostgreSQL
	// database. Default: BlobsFS with SQLite, BlobsPostgres with
	// PostgreSQL.
	Blobs string
	// BlobDir holds folder contents with the fs BlobStore (and the
	// upload temporaries under it). Default with SQLite: "blobs" beside
	// Path. With PostgreSQL and the fs BlobStore it is required: every
	// node must see the same directory.
	BlobDir string
	// MailDomains are the domains whose addresses groupd hosts; the first
	// is used for default list addresses. Required.
	MailDomains []string
	// InternalDomains are the organisation's own mail domains. Required.
	InternalDomains []string
	// Hostname names this server in notification mail. Default: the
	// first mail domain.
	Hostname string
	// Logger. Default: discard.
	Logger *slog.Logger
	// Now returns the current time. Default: time.Now.
	Now func() time.Time
	// BusyTimeout is how long a statement waits for a lock (SQLite's
	// busy_timeout, PostgreSQL's lock_timeout). Default 5s.
	BusyTimeout time.Duration
	// HashParams set the argon2id cost. Default: DefaultHashParams().
	HashParams *HashParams
	// Throttle bounds failed logins (see ThrottleOptions for defaults).
	Throttle ThrottleOptions
	// Language is the organisation's language, in which notices are
	// written: "en" or "ko". Default: "en".
	Language string
	// PublicURL is the daemon's public base URL (config public_url,
	// without a trailing slash), for console links in notices; "" for
	// none.
	PublicURL string
	// NodeID names this Store among the nodes on one PostgreSQL
	// database: on the change feed and in the claims of queue rows.
	// Default: random at Open.
	NodeID string
	// Lease is how long a claim of queue rows (or of posts to index)
	// lasts without renewal (RenewClaims) before another node may take
	// them over (PostgreSQL). Default 1 minute.
	Lease time.Duration
	// SearchText extracts what IMAP SEARCH TEXT and BODY look in from a
	// raw message: its header and its body text, decoded and lower-cased
	// (the daemon sets internal/searchtext.Extract). The store keeps what
	// it returns (imap_text) and searches it for the lower-cased needle.
	// Default: the raw header and body, split at the first blank line and
	// lower-cased, with nothing decoded (encoded words and base64 text
	// are not found).
	SearchText func(raw []byte) (header, body []byte)
	// ImapParse makes, from a raw message, what IMAP FETCH ENVELOPE and
	// BODYSTRUCTURE need, in an encoding of its own (the daemon sets
	// imap.ParseForStore). It is called once per archived post where its
	// search text is written (the index worker, IndexArchive, or
	// ArchiveMessage's transaction), and the store keeps both results
	// (imap_parsed) without reading them, for ImapParsedRecords: a server
	// started cold reads them instead of parsing every post. Default nil:
	// nothing is kept, and FETCH parses the posts.
	ImapParse func(raw []byte) (envelope, structure []byte)
	// Addresses is the grammar of a list's companion, bounce and
	// request addresses (internal/listaddr.Grammar, which the daemon
	// sets). Required: the store knows no address grammar of its own.
	Addresses AddressGrammar
	// Notices gives the words of the store's notices in a language; Open
	// calls it once with Language and fails with its error (an unknown
	// language). The daemon sets internal/notice's (notice.Load).
	// Required: the store has no words of its own.
	Notices func(lang string) (Notices, error)
}

func (o *Options) fill() error {
	if err := o.fillDB(); err != nil {
		return err
	}
	if err := o.fillBlobs(); err != nil {
		return err
	}
	if o.Notices == nil {
		return errors.New("groups: Options.Notices is required (internal/notice.Load)")
	}
	if o.Addresses == nil {
		return errors.New("groups: Options.Addresses is required (internal/listaddr.Grammar)")
	}
	if len(o.MailDomains) == 0 || len(o.InternalDomains) == 0 {
		return errors.New("groups: MailDomains and InternalDomains are required")
	}
	if o.Hostname == "" {
		o.Hostname = o.MailDomains[0]
	}
	if o.Language == "" {
		o.Language = "en"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SearchText == nil {
		o.SearchText = rawSearchText
	}
	if o.NodeID == "" {
		o.NodeID = newNodeID()
	}
	if strings.ContainsAny(o.NodeID, "/\\") || strings.Trim(o.NodeID, ".") == "" {
		return fmt.Errorf("groups: Options.NodeID %q: no slashes, not only dots", o.NodeID)
	}
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	if o.BusyTimeout == 0 {
		o.BusyTimeout = 5 * time.Second
	}
	if o.HashParams == nil {
		p := DefaultHashParams()
		o.HashParams = &p
	}
	for i, d := range o.MailDomains {
		o.MailDomains[i] = strings.ToLower(d)
	}
	for i, d := range o.InternalDomains {
		o.InternalDomains[i] = strings.ToLower(d)
	}
	return nil
}

// AddressGrammar is the grammar of the addresses around a list (SPEC §4):
// its companions (<list>-owner@, -join@, -bounces@), the VERP bounce
// addresses of its posts (<list>-bounces+<token>@) and the request
// addresses of its held posts (<list>-request+<token>@). Stored rows
// (outbound.mail_from, outbound.salt) and mail already sent depend on it,
// so it must not change. The store stores and looks up what it gives;
// internal/listaddr implements it (listaddr.Grammar), and the daemon sets
// it as Options.Addresses.
type AddressGrammar interface {
	// Token reads the local part of a bounce address of a post (kind
	// MailBounces), of the request address of a held post (MailRequest)
	// or of an external address's unsubscribe address (MailUnsubscribe):
	// the token finds the post or the address. ok is false for any other
	// local part.
	Token(local string) (kind, token string, ok bool)
	// Companion says what any other hosted local part is: a list
	// (MailList) or one of its companions (MailOwner, MailJoin,
	// MailBounces), and the list's local part.
	Companion(local string) (kind, list string)
	// Suffixes are the local-part suffixes of companion addresses; no
	// list address or group id may end in one.
	Suffixes() []string
	// BounceBase is the envelope sender of a list's mail without a token.
	BounceBase(list string) string
	// RequestAddress is the address a master's decision on the held post
	// with token goes to.
	RequestAddress(list, token string) string
	// NewSalt is the random salt of a post sent with VERP.
	NewSalt() string
	// ParseVERPToken splits a bounce address's token into the recipient
	// row id and the post's salt.
	ParseVERPToken(token string) (rid int64, salt string, ok bool)
}

// Notices writes groupd's own mail in the organisation's language: the
// Group notifications, join requests and the replies to them, held posts,
// and the masters' delivery reports. The store decides when a notice
// goes, to whom and what it tells (a Notice, notice.go: facts only);
// which sentences tell it and the message format are internal/notice's
// (Catalog), which the daemon gives the store (Options.Notices).
type Notices interface {
	// Render is the Subject and the plain text of notice n; an error
	// for a kind of Notice it does not know.
	Render(n Notice) (subject, body string, err error)
	// Digest is the words of a digest of posts posts of group made at
	// date: its Subject, the heading of its table of contents and its
	// MIME preamble.
	Digest(group string, date time.Time, posts int) (subject, contents, preamble string)
	// Compose is the notice as a message (RFC 5322) with header fields
	// encoded and lines within their limits; replyTo and attached (a
	// message sent along) may be nil.
	Compose(from, replyTo *mail.Address, subject, messageID string, date time.Time, body string, attached []byte) ([]byte, error)
}
