package smtp

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"groupd/groups"
)

// DigestOptions configure the Digester.
type DigestOptions struct {
	// Store is the groups model. Required.
	Store *groups.Store
	// Logger. Default: discard.
	Logger *slog.Logger
	// Hostname names the digests' Message-IDs. Default "localhost".
	Hostname string
	// Hour is the hour of the day (0-23, in Location) at which digests
	// go out. Default 0 (midnight): the daemon passes mail.digest_hour.
	Hour int
	// Location is the time zone of Hour. Default UTC.
	Location *time.Location
	// MaxBytes: a recipient's pending posts go out at once, before the
	// hour, when together they reach it; a digest holds posts up to the
	// first that reaches it. Default 1 MiB.
	MaxBytes int64
	// ArchiveURL is the List-Archive URL of a group, as in Options.
	// Default imap://<Hostname>/<group id>.
	ArchiveURL func(groupID string) string
	// Interval is how often the Digester looks for due digests when no
	// mail is queued (the hour comes round). Default 1 minute.
	Interval time.Duration
	// Now returns the current time. Default time.Now.
	Now func() time.Time
}

func (o *DigestOptions) fill() error {
	if o.Store == nil {
		return errors.New("smtp: DigestOptions.Store is required")
	}
	if o.Hour < 0 || o.Hour > 23 {
		return errors.New("smtp: DigestOptions.Hour must be 0 to 23")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Hostname == "" {
		o.Hostname = "localhost"
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 1 << 20
	}
	if o.ArchiveURL == nil {
		host := o.Hostname
		o.ArchiveURL = func(id string) string { return "imap://" + host + "/" + id }
	}
	if o.Interval <= 0 {
		o.Interval = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return nil
}

// Digester makes the digests of digest-mode recipients (issue 13) and
// puts them in the outbound queue, which delivers them like any mail.
// Each digest is queued in the transaction that moves its recipient's
// mark (groups.Store.CommitDigest), so a crash neither loses nor repeats
// one. Several nodes may each run one: a digest another node committed
// first is dropped.
type Digester struct {
	opts DigestOptions
	log  *slog.Logger
}

// NewDigester makes a Digester; Run starts it.
func NewDigester(opts DigestOptions) (*Digester, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	return &Digester{opts: opts, log: opts.Logger.With("component", "digest")}, nil
}

// Run makes due digests until ctx is done: at start, when mail is queued
// (a post may bring a recipient's pending posts to MaxBytes), and every
// Interval (the digest hour).
func (d *Digester) Run(ctx context.Context) error {
	sub := d.opts.Store.Subscribe()
	defer sub.Close()
	tick := time.NewTicker(d.opts.Interval)
	defer tick.Stop()
	for {
		last := time.Now()
		if n, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("making digests", "err", err)
		} else if n > 0 {
			d.log.Info("digests queued", "count", n)
		}
		if !sub.Wait(ctx, tick.C, wakesQueue) {
			return nil
		}
		// A busy list queues mail many times a second: look at most
		// once a second (a digest over MaxBytes waits that long).
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Until(last.Add(time.Second))):
		}
	}
}

// RunOnce queues every digest due now and returns how many it queued.
func (d *Digester) RunOnce(ctx context.Context) (int, error) {
	now := d.opts.Now()
	jobs, err := d.opts.Store.DueDigests(ctx, lastDigestHour(now, d.opts.Hour, d.opts.Location), d.opts.MaxBytes)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range jobs {
		ok, err := d.send(ctx, &jobs[i], now)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// send composes job's digest and commits it.
func (d *Digester) send(ctx context.Context, j *groups.DigestJob, now time.Time) (bool, error) {
	posts, err := d.opts.Store.DigestPosts(ctx, j, d.opts.MaxBytes)
	if err != nil || len(posts) == 0 {
		return false, err
	}
	date := now.In(d.opts.Location)
	h := digestHead{List: j.List, GroupName: j.GroupName, Rcpt: j.Rcpt, Archive: d.opts.ArchiveURL(j.GroupID),
		Hostname: d.opts.Hostname, Date: date}
	h.Subject, h.Contents, h.Preamble = d.opts.Store.DigestWords(j.GroupName, date, len(posts))
	data, err := composeDigest(h, posts)
	if err != nil {
		return false, err
	}
	return d.opts.Store.CommitDigest(ctx, j, posts[len(posts)-1].ID, h.Subject, data)
}

// lastDigestHour is the last time at or before now that the clock in loc
// read hour:00.
func lastDigestHour(now time.Time, hour int, loc *time.Location) time.Time {
	local := now.In(loc)
	t := time.Date(local.Year(), local.Month(), local.Day(), hour, 0, 0, 0, loc)
	if t.After(now) {
		t = time.Date(local.Year(), local.Month(), local.Day()-1, hour, 0, 0, 0, loc)
	}
	return t
}
