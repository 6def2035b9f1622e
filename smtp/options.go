package smtp

import (
	"errors"
	"log/slog"
	"net/netip"
	"time"

	"groupd/groups"
	"groupd/internal/budget"
)

// Options configure the inbound Server.
type Options struct {
	// Store is the groups model. Required.
	Store *groups.Store
	// Logger. Default: discard.
	Logger *slog.Logger
	// Hostname is the name in the greeting and in Received. Default:
	// "localhost".
	Hostname string
	// MaxMessageBytes is the SIZE limit (552 5.3.4). Default 25 MiB.
	MaxMessageBytes int64
	// MaxRecipients per transaction (452 4.5.3 beyond). Default 100.
	MaxRecipients int
	// MaxCommands per session: the next command is answered 421 4.7.0
	// and the connection closed (see limits.go). Default 1000.
	MaxCommands int
	// MaxLineLength of a command or message line. Default 2000 (twice
	// RFC 5321's 1000, as go-smtp does).
	MaxLineLength int
	// MaxHeaderLines of a message's header block. Default 1000.
	MaxHeaderLines int
	// ReadTimeout and WriteTimeout bound each read and write on a
	// connection. Default 5 minutes (RFC 5321 §4.5.3.2).
	ReadTimeout, WriteTimeout time.Duration
	// SubjectPrefix puts "[<group name>] " before the Subject of posts.
	// Default off.
	SubjectPrefix bool
	// FromRewrite is when From names the list instead of the author, for
	// DMARC: RewriteNever ("never", the default), RewriteExternal
	// ("external": authors outside the internal domains) or RewriteAlways.
	// Without a rewrite the sender's header and body pass byte for byte.
	FromRewrite string
	// ArchiveURL is the List-Archive URL of a group. Default
	// imap://<Hostname>/<group id>.
	ArchiveURL func(groupID string) string
	// BounceLimit is how many hard bounces disable an external member.
	// Default 5.
	BounceLimit int
	// TrustedNetworks are the networks (the organisation's MTAs) whose
	// mail may claim an internal sender without a DKIM signature (SPEC §4
	// anti-spoofing). Default DefaultTrustedNetworks (loopback).
	TrustedNetworks []netip.Prefix
	// LookupTXT resolves DKIM keys (RFC 6376 §3.6.2). Default
	// net.LookupTXT.
	LookupTXT func(domain string) ([]string, error)
	// MaxInviteBytes bounds the calendar part of an iMIP invitation
	// stored in a group's calendar (invite.go): the calendar's largest
	// object. Default 1 MiB.
	MaxInviteBytes int64
	// Budget is the daemon's memory budget (internal/budget): a post's
	// list copy, an owner forward and a relayed submission take their
	// cost from it, and are answered 452 4.3.1 when it is spent (see
	// budget.go). Default nil: no budget.
	Budget *budget.Budget
	// TarpitRate is the bytes a second that an address which sent a
	// message over MaxMessageBytes may send for TarpitFor after it, over
	// all its connections (tarpit.go). Defaults 256 KiB/s and 10 minutes.
	TarpitRate int64
	TarpitFor  time.Duration
	// BulkRate is the bytes a second at which message data past each
	// message's first MiB is read, over all sessions, after a burst of
	// BulkBurst bytes (tarpit.go). Defaults 16 MiB/s and 2 MiB.
	BulkRate, BulkBurst int64
	// SpoolDir is where messages larger than about 1 MiB are read to, in
	// unlinked temporary files. Default "" (os.TempDir()).
	SpoolDir string
	// Now returns the current time. Default time.Now.
	Now func() time.Time
}

func (o *Options) fill() error {
	if o.Store == nil {
		return errors.New("smtp: Options.Store is required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Hostname == "" {
		o.Hostname = "localhost"
	}
	if o.TarpitRate <= 0 {
		o.TarpitRate = 256 << 10
	}
	if o.BulkRate <= 0 {
		o.BulkRate = 16 << 20
	}
	if o.BulkBurst <= 0 {
		o.BulkBurst = 2 << 20
	}
	if o.TarpitFor <= 0 {
		o.TarpitFor = 10 * time.Minute
	}
	if o.MaxMessageBytes <= 0 {
		o.MaxMessageBytes = 25 << 20
	}
	if o.MaxRecipients <= 0 {
		o.MaxRecipients = 100
	}
	if o.MaxInviteBytes <= 0 {
		o.MaxInviteBytes = 1 << 20
	}
	if o.MaxCommands <= 0 {
		o.MaxCommands = 1000
	}
	if o.MaxLineLength <= 0 {
		o.MaxLineLength = 2000
	}
	if o.MaxHeaderLines <= 0 {
		o.MaxHeaderLines = 1000
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 5 * time.Minute
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 5 * time.Minute
	}
	switch o.FromRewrite {
	case "":
		o.FromRewrite = RewriteNever
	case RewriteNever, RewriteExternal, RewriteAlways:
	default:
		return errors.New("smtp: FromRewrite must be never, external or always, not " + o.FromRewrite)
	}
	if o.ArchiveURL == nil {
		host := o.Hostname
		o.ArchiveURL = func(id string) string { return "imap://" + host + "/" + id }
	}
	if o.BounceLimit <= 0 {
		o.BounceLimit = groups.DefaultBounceLimit
	}
	if o.TrustedNetworks == nil {
		o.TrustedNetworks = DefaultTrustedNetworks
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return nil
}

// QueueOptions configure the outbound Queue.
type QueueOptions struct {
	// Store is the groups model. Required.
	Store *groups.Store
	// Logger. Default: discard.
	Logger *slog.Logger
	// Relay is the smarthost, host:port. Required.
	Relay string
	// Hostname is the EHLO name. Default "localhost".
	Hostname string
	// Concurrency is how many transactions run at once. Default 8.
	Concurrency int
	// BatchSize is the most recipients of one domain in one transaction.
	// Default 100.
	BatchSize int
	// ListRate is the most posts of one list that start delivery in an
	// hour, so that a large list cannot flood the relay; the queue holds
	// the rest. Default 0: no limit.
	ListRate int
	// Retry is the back-off after each failed attempt; the last entry
	// repeats. Default 1m, 5m, 15m, 1h, 4h.
	Retry []time.Duration
	// GiveUp is how long after queueing a temporary failure becomes
	// permanent. Default 5 days.
	GiveUp time.Duration
	// PollInterval is how often the queue looks for due rows when the
	// change feed is quiet (retries). Default 5s.
	PollInterval time.Duration
	// Timeout bounds each command to the relay. Default 2 minutes.
	Timeout time.Duration
	// BounceLimit is how many hard bounces disable an external member.
	// Default 5.
	BounceLimit int
	// KeepDone is how long finished messages (every recipient sent or
	// failed) stay in the queue tables, for the record and for late
	// bounces; the queue prunes them hourly. Default 7 days.
	KeepDone time.Duration
	// OnDelivery, when set, is called after each transaction's outcome is
	// recorded, with its counts of rows sent, to retry and failed (for
	// metrics and benchmarks). Default none.
	OnDelivery func(sent, retry, failed int)
	// Budget is the daemon's memory budget: a worker waits for a
	// message's cost before loading it. Default nil: no budget.
	Budget *budget.Budget
	// PublicURL is the daemon's public base (config public_url) without
	// a trailing slash: an external address's copy of a post links to
	// <PublicURL>/u/<token> for one-click unsubscribe (RFC 8058).
	// Default "": the mailto form alone (unsubscribe.go).
	PublicURL string
	// Now returns the current time (tests move it to reach retries).
	// Default time.Now.
	Now func() time.Time
}

func (o *QueueOptions) fill() error {
	if o.Store == nil || o.Relay == "" {
		return errors.New("smtp: QueueOptions.Store and Relay are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Hostname == "" {
		o.Hostname = "localhost"
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.BatchSize <= 0 || o.BatchSize > 100 {
		o.BatchSize = 100
	}
	if len(o.Retry) == 0 {
		o.Retry = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 4 * time.Hour}
	}
	if o.GiveUp <= 0 {
		o.GiveUp = 5 * 24 * time.Hour
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 5 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.BounceLimit <= 0 {
		o.BounceLimit = groups.DefaultBounceLimit
	}
	if o.KeepDone <= 0 {
		o.KeepDone = 7 * 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return nil
}
