package web

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"groupd/groups"
	"groupd/internal/budget"
)

// PostFunc sends a post that a member wrote in the Messages tab through
// the list, exactly as a message from that user over submission: same
// posting rule, same fan-out, same archive. raw is the RFC 5322 message.
// held says the list's moderation stored it for the masters instead.
type PostFunc func(r *http.Request, from *groups.User, list string, raw []byte) (held bool, err error)

// Options configure the console.
type Options struct {
	// Store is the groups model. Required.
	Store *groups.Store
	// Logger. Default: discard.
	Logger *slog.Logger
	// Language is the organisation's language ("en" or "ko"), used when
	// the browser asks for neither. Default "en".
	Language string
	// Sessions bound a console session's life. Default 2 h idle, 7 days.
	Sessions groups.SessionLimits
	// SecureCookies marks cookies Secure: the listener serves HTTPS.
	// Default false.
	SecureCookies bool
	// Post sends a post from the Messages tab. Nil: no composer is shown.
	Post PostFunc
	// Budget is the daemon's memory budget: past nine tenths of it the
	// Messages tab's pages, which read posts whole, answer 503 (busy.go).
	// Default nil: no budget.
	Budget *budget.Budget
	// Connect says where members' apps reach groupd, for the "Connect
	// your apps" tab and the set-up documents.
	Connect Connect
	// DefaultFolderQuota is the folder quota of a group without its own.
	// Default 10 GiB.
	DefaultFolderQuota int64
	// MaxAttachmentBytes bounds a file attached to a note
	// (notes.max_attachment_bytes). Default 25 MiB.
	MaxAttachmentBytes int64
	// MaxUploadBytes bounds a form upload that is not a folder file (a
	// profile image, an mbox). Default 25 MiB.
	MaxUploadBytes int64
	// Now returns the current time. Default: time.Now.
	Now func() time.Time
}

// Connect is where users' apps reach groupd.
type Connect struct {
	Host           string // the host name apps use; default: the request's
	IMAPPort       int    // 0: not offered
	SubmissionPort int    // 0: not offered
	IMAPTLS        bool   // implicit TLS on IMAPPort
	SubmissionTLS  bool   // implicit TLS on SubmissionPort
	HTTPS          bool   // the HTTP listener serves HTTPS
	// StartTLS: the plain IMAP and submission ports offer STARTTLS (a
	// certificate is configured).
	StartTLS    bool
	MailDomains []string
	// UserDomains are the domains of the organisation's users' addresses
	// (internal_domains): autoconfig and the admin's DNS records name them.
	UserDomains []string
}

// server holds what every handler needs; its mutable state is two
// counters, each safe for concurrent use.
type server struct {
	opts  Options
	store *groups.Store
	log   *slog.Logger
	mux   *http.ServeMux
	pages map[string]*template.Template
	cat   *catalog
	csrf  *http.CrossOriginProtection
	// streams counts open Messages event streams per user
	// (messages_events.go); the one mutable thing here, behind its mutex.
	streams *streamLimiter
	// refusing: message pages are being refused for the memory budget
	// (busy.go), so that the refusals are logged once per stretch.
	refusing atomic.Bool
}

// New returns the console handler, to be mounted at "/".
func New(opts Options) (http.Handler, error) {
	if opts.Store == nil {
		return nil, errors.New("web: Store is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Language != "ko" {
		opts.Language = "en"
	}
	if opts.DefaultFolderQuota <= 0 {
		opts.DefaultFolderQuota = 10 << 30
	}
	if opts.MaxAttachmentBytes <= 0 {
		opts.MaxAttachmentBytes = 25 << 20
	}
	if opts.MaxUploadBytes <= 0 {
		opts.MaxUploadBytes = 25 << 20
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	s := &server{opts: opts, store: opts.Store, log: opts.Logger.With("component", "web"),
		mux: http.NewServeMux(), cat: cat, csrf: http.NewCrossOriginProtection(), streams: &streamLimiter{}}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// contentSecurityPolicy allows the console's own scripts, styles and
// images and nothing else: no inline script, no other host, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// ServeHTTP sets the browser-security headers of every answer, then routes.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	s.mux.ServeHTTP(w, r)
}

// Route returns the pattern of the console route that serves r, for the
// daemon's metrics, or "" when none does.
func Route(h http.Handler, r *http.Request) string {
	s, ok := h.(*server)
	if !ok {
		return ""
	}
	_, pattern := s.mux.Handler(r)
	return pattern
}
