package daemon

import (
	"context"
	"net"
	"time"

	"groupd/groups"
	"groupd/imap"
	"groupd/internal/listaddr"
	"groupd/internal/notice"
	"groupd/internal/searchtext"
	"groupd/smtp"
)

// Listener is one network surface of the daemon.
type Listener struct {
	// Name is the listener's config key under [listen] ("http", "smtp",
	// ...); logs, errors and Addr use it.
	Name string
	// Addr is the host:port to bind; "" disables the listener (it is
	// neither bound nor served, but Shutdown is still called).
	Addr string
	// Serve serves on l until Shutdown; what it returns after Shutdown
	// (nil or http.ErrServerClosed) is not an error.
	Serve func(l net.Listener) error
	// Shutdown stops accepting and drains in-flight work until ctx's
	// deadline. It may be called without Serve having been called (start
	// rolled back).
	Shutdown func(ctx context.Context) error
	// Close, optional, forces the remaining connections closed once
	// Shutdown's deadline has passed.
	Close func() error
}

// Worker is a background task, such as the outbound mail queue.
type Worker struct {
	// Name tags logs and errors.
	Name string
	// Run works until ctx is cancelled, which happens after every listener
	// has drained; it then returns nil. Any other return before that is a
	// failure that stops the daemon.
	Run func(ctx context.Context) error
}

// components lists what the daemon runs, in start order. d.store, d.token
// and d.cfg are ready when it is called. To add a surface, construct it
// here and append one entry, for example:
//
//	srv, err := smtp.NewServer(smtp.Options{Store: d.store, Logger: d.log, ...})
//	if err != nil {
//		return nil, nil, err
//	}
//	ls = append(ls, Listener{Name: "smtp", Addr: d.cfg.Listen.SMTP,
//		Serve: srv.Serve, Shutdown: srv.Shutdown})
//	q, err := smtp.NewQueue(smtp.QueueOptions{Store: d.store, Logger: d.log, Relay: d.cfg.Mail.Relay, ...})
//	...
//	ws = append(ws, Worker{Name: "queue", Run: q.Run})
//
// Packages that tag their own logs with "component" get d.log; others
// get d.logger(name).
func (d *Daemon) components() (ls []Listener, ws []Worker, err error) {
	tlsConf, err := d.cfg.TLS.Load()
	if err != nil {
		return nil, nil, err
	}
	h, err := d.httpListener()
	if err != nil {
		return nil, nil, err
	}
	ls = append(ls, httpsListener(h, tlsConf, d.cfg.TLS.HTTP))
	mailOpts := d.mailOptions()
	srv, err := smtp.NewServer(mailOpts)
	if err != nil {
		return nil, nil, err
	}
	ls = append(ls, Listener{Name: "smtp", Addr: d.cfg.Listen.SMTP, Serve: srv.Serve, Shutdown: srv.Shutdown})
	sub, err := d.submission(mailOpts, tlsConf)
	if err != nil {
		return nil, nil, err
	}
	ls = append(ls, sub...)
	im, err := imap.NewServer(imap.Options{Store: d.store, Logger: d.log, TLSConfig: tlsConf,
		InsecureAuth: d.cfg.IMAP.AllowInsecureAuth, MaxConnsPerIP: d.cfg.Limits.MaxConnectionsPerIP,
		Budget: d.mem, Conns: d.conns})
	if err != nil {
		return nil, nil, err
	}
	ls = append(ls, Listener{Name: "imap", Addr: d.cfg.Listen.IMAP, Serve: im.Serve, Shutdown: im.Shutdown},
		Listener{Name: "imaps", Addr: d.cfg.Listen.IMAPS, Serve: im.ServeTLS, Shutdown: im.Shutdown})
	m := d.cfg.Mail
	q, err := smtp.NewQueue(smtp.QueueOptions{Store: d.store, Logger: d.log, Relay: m.Relay,
		Hostname: d.cfg.Hostname, Concurrency: m.RelayConcurrency, ListRate: m.ListRate,
		Retry: m.Retry, GiveUp: m.GiveUp, BounceLimit: m.BounceLimit, Budget: d.mem,
		PublicURL: d.cfg.PublicBase()})
	if err != nil {
		return nil, nil, err
	}
	dg, err := smtp.NewDigester(smtp.DigestOptions{Store: d.store, Logger: d.log, Hostname: d.cfg.Hostname,
		Hour: m.DigestHour, Location: m.Location(), MaxBytes: m.DigestMaxBytes})
	if err != nil {
		return nil, nil, err
	}
	idx := &indexer{store: d.store, log: d.logger("index"), mem: d.mem, poll: 5 * time.Second}
	ws = append(ws, Worker{Name: "queue", Run: q.Run}, Worker{Name: "index", Run: idx.Run},
		Worker{Name: "moderation", Run: d.expireHeld}, Worker{Name: "digest", Run: dg.Run})
	for i := range ls {
		ls[i] = d.limitConns(ls[i], tlsConf)
	}
	return ls, ws, nil
}

// mailOptions are the options of the SMTP servers: inbound, submission,
// and the console's posting path (webConsole).
func (d *Daemon) mailOptions() smtp.Options {
	return smtp.Options{Store: d.store, Logger: d.log, Hostname: d.cfg.Hostname,
		MaxMessageBytes: d.cfg.Mail.MaxMessageBytes, TrustedNetworks: d.cfg.Mail.Networks(),
		MaxCommands: d.cfg.Limits.MaxSMTPCommands, FromRewrite: d.cfg.Mail.FromRewrite,
		SubjectPrefix: d.cfg.Mail.SubjectPrefix, BounceLimit: d.cfg.Mail.BounceLimit,
		MaxInviteBytes: d.cfg.DAV.MaxObjectBytes, Budget: d.mem, SpoolDir: d.spoolDir()}
}

// StoreOptions gives o the protocol semantics that the store calls but
// does not hold (see groups/doc.go): every place that opens a Store for
// real use (the daemon, groupd's commands) passes its options through
// it, so that they all index, parse and word alike.
func StoreOptions(o groups.Options) groups.Options {
	o.SearchText = searchtext.Extract
	o.ImapParse = imap.ParseForStore
	o.Addresses = listaddr.Grammar{}
	o.Notices = Notices
	return o
}

// Notices is groups.Options.Notices: internal/notice's catalog in lang.
func Notices(lang string) (groups.Notices, error) {
	c, err := notice.Load(lang)
	if err != nil {
		return nil, err // not a nil *Catalog in a non-nil interface
	}
	return c, nil
}
