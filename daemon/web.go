package daemon

import (
	"net"
	"net/http"
	"strconv"

	"groupd/groups"
	"groupd/web"
)

// webConsole builds the web console (issue 11), served at "/" on the
// HTTP listener beside the API and DAV.
func (d *Daemon) webConsole() (http.Handler, error) {
	c := d.cfg
	return web.New(web.Options{
		Store:              d.store,
		Logger:             d.log,
		Language:           c.Language,
		Sessions:           groups.SessionLimits{Idle: c.Web.SessionIdle, Absolute: c.Web.SessionMax},
		SecureCookies:      c.TLS.HTTP,
		DefaultFolderQuota: c.DAV.FolderQuota,
		Connect:            d.connectInfo(),
	})
}

// connectInfo says where members' apps reach this groupd: the ports of
// the listeners that are on (the host is the one the browser used).
func (d *Daemon) connectInfo() web.Connect {
	c := d.cfg
	info := web.Connect{HTTPS: c.TLS.HTTP, MailDomains: c.Mail.Domains}
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
