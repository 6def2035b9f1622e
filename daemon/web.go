package daemon

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"

	"groupd/groups"
	"groupd/smtp"
	"groupd/web"
)

// webConsole builds the web console (issue 11), served at "/" on the
// HTTP listener beside the API and DAV.
func (d *Daemon) webConsole() (http.Handler, error) {
	c := d.cfg
	post, err := d.consolePost()
	if err != nil {
		return nil, err
	}
	return web.New(web.Options{
		Post:               post,
		Budget:             d.mem,
		Store:              d.store,
		Logger:             d.log,
		Language:           c.Language,
		Sessions:           groups.SessionLimits{Idle: c.Web.SessionIdle, Absolute: c.Web.SessionMax},
		SecureCookies:      c.TLS.HTTP,
		DefaultFolderQuota: c.DAV.FolderQuota,
		MaxAttachmentBytes: c.Notes.MaxAttachmentBytes,
		Connect:            d.connectInfo(),
	})
}

// consolePost is the Messages tab's posting path: the submission
// server's, as if the signed-in user had mailed the list from a mail
// app (same posting rule, list copy, fan-out and archive). It has its
// own Submission value on the same store and options as the listeners'
// one, which it never serves on a socket.
func (d *Daemon) consolePost() (web.PostFunc, error) {
	sub, err := smtp.NewSubmission(smtp.SubmissionOptions{Options: d.mailOptions()})
	if err != nil {
		return nil, err
	}
	return func(r *http.Request, u *groups.User, list string, raw []byte) (bool, error) {
		return sub.PostFromConsole(r.Context(), u, hostOf(r.RemoteAddr), list, raw)
	}, nil
}

// connectInfo says where members' apps reach this groupd: the ports of
// the listeners that are on (the host is the one the browser used).
func (d *Daemon) connectInfo() web.Connect {
	c := d.cfg
	info := web.Connect{HTTPS: c.TLS.HTTP, StartTLS: c.TLS.Enabled(), MailDomains: c.Mail.Domains,
		UserDomains: c.Mail.InternalDomains}
	if p := port(c.Listen.IMAPS); p > 0 {
		info.IMAPPort, info.IMAPTLS = p, true
	} else {
		info.IMAPPort = port(c.Listen.IMAP)
	}
	if p := port(c.Listen.Submissions); p > 0 {
		info.SubmissionPort, info.SubmissionTLS = p, true
	} else {
		info.SubmissionPort = port(c.Listen.Submission)
	}
	return info
}

func port(addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(p)
	return n
}

// sweepSessions deletes expired console sessions every hour, so that
// abandoned ones do not pile up (each request checks expiry itself).
func (d *Daemon) sweepSessions(ctx context.Context) error {
	lim := groups.SessionLimits{Idle: d.cfg.Web.SessionIdle, Absolute: d.cfg.Web.SessionMax}
	log := d.logger("web")
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := d.store.SweepSessions(ctx, lim); err != nil && ctx.Err() == nil {
			log.Warn("session sweep failed", "err", err)
		} else if n > 0 {
			log.Info("expired sessions deleted", "sessions", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
