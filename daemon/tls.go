package daemon

import (
	"crypto/tls"
	"net"

	"groupd/smtp"
)

// submission builds the submission listeners (RFC 6409): plaintext with
// STARTTLS on listen.submission, implicit TLS (RFC 8314 §3.3) on
// listen.submissions. Both share one server; its Shutdown stops both.
func (d *Daemon) submission(o smtp.Options, tlsConf *tls.Config) ([]Listener, error) {
	sub, err := smtp.NewSubmission(smtp.SubmissionOptions{Options: o, TLSConfig: tlsConf,
		InsecureAuth: d.cfg.Submission.AllowInsecureAuth})
	if err != nil {
		return nil, err
	}
	return []Listener{
		{Name: "submission", Addr: d.cfg.Listen.Submission, Serve: sub.Serve, Shutdown: sub.Shutdown, Close: sub.Close},
		{Name: "submissions", Addr: d.cfg.Listen.Submissions, Serve: sub.ServeTLS, Shutdown: sub.Shutdown, Close: sub.Close},
	}, nil
}

// httpsListener serves h over TLS when on (tls.http) and a certificate
// is configured (config validation makes sure of it).
func httpsListener(h Listener, conf *tls.Config, on bool) Listener {
	if !on || conf == nil {
		return h
	}
	serve := h.Serve
	conf = conf.Clone()
	conf.NextProtos = []string{"h2", "http/1.1"}
	h.Serve = func(l net.Listener) error { return serve(tls.NewListener(l, conf)) }
	return h
}
