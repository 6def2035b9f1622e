package calendar

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	gocaldav "github.com/emersion/go-webdav/caldav"

	"groupd/groups"
	"groupd/internal/recur"
)

// Options configure the CalDAV handler.
type Options struct {
	// Store is the groups model. Required.
	Store *groups.Store
	// Logger. Default: discard.
	Logger *slog.Logger
	// Prefix is the path the DAV tree is served under. Default "/dav".
	Prefix string
	// MaxResourceSize bounds one calendar object in bytes (RFC 4791
	// §5.2.5 max-resource-size). Default 1 MiB.
	MaxResourceSize int64
	// MaxRequestBytes bounds an XML request body (PROPFIND, PROPPATCH,
	// REPORT). Default 1 MiB.
	MaxRequestBytes int64
	// Realm of the HTTP Basic challenge. Default "groupd".
	Realm string
	// ParseCache is how many parsed objects are kept for calendar-query
	// and free-busy-query. Default 8192; negative disables it.
	ParseCache int
	// AnswerCacheBytes bounds the memory of the calendar-multiget answer
	// cache (answercache.go): objects with their calendar-data escaped
	// for XML, used while their collection is unchanged, the least
	// recently used dropped first. Default 8 MiB (about 10,000 typical
	// events); negative disables it.
	AnswerCacheBytes int64
	// QueryLimits bound the recurrence expansion of one calendar-query
	// or free-busy-query (limits.go). Default defaultQueryLimits().
	QueryLimits recur.Limits
	// MaxReportBytes bounds the calendar data one calendar-query
	// answers. Default 16 MiB.
	MaxReportBytes int64
}

type handler struct {
	opts    Options
	log     *slog.Logger
	store   *groups.Store
	prefix  string
	dav     *gocaldav.Handler
	cache   *parseCache
	answers *answerCache
	bufs    sync.Pool // of *bytes.Buffer, for answers (xml.go)
}

// New returns the CalDAV handler. It serves paths under Prefix
// (principals and calendars), /.well-known/caldav and the bare server
// root "/" (serverroot.go); mount it there.
func New(opts Options) (http.Handler, error) {
	if opts.Store == nil {
		return nil, errors.New("calendar: Options.Store is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Prefix == "" {
		opts.Prefix = "/dav"
	}
	opts.Prefix = "/" + strings.Trim(opts.Prefix, "/")
	if opts.MaxResourceSize <= 0 {
		opts.MaxResourceSize = 1 << 20
	}
	if opts.MaxRequestBytes <= 0 {
		opts.MaxRequestBytes = 1 << 20
	}
	if opts.Realm == "" {
		opts.Realm = "groupd"
	}
	if opts.ParseCache == 0 {
		opts.ParseCache = 8192
	}
	if opts.AnswerCacheBytes == 0 {
		opts.AnswerCacheBytes = 8 << 20
	}
	if opts.QueryLimits == (recur.Limits{}) {
		opts.QueryLimits = defaultQueryLimits()
	}
	if opts.MaxReportBytes <= 0 {
		opts.MaxReportBytes = defaultMaxReportBytes
	}
	h := &handler{opts: opts, log: opts.Logger.With("component", "caldav"), store: opts.Store, prefix: opts.Prefix,
		cache: newParseCache(opts.ParseCache), answers: newAnswerCache(opts.AnswerCacheBytes)}
	h.bufs.New = func() any { return new(bytes.Buffer) }
	h.dav = &gocaldav.Handler{Backend: &backend{h: h}, Prefix: opts.Prefix}
	return h, nil
}

// reqState is what one request carries through go-webdav to the backend.
type reqState struct {
	h      *handler
	r      *http.Request
	user   *groups.User
	actor  groups.Actor
	cals   map[string]*groups.Calendar
	filter *compFilter
	zone   *time.Location // the query's zone for floating times
	// multiget: with expand or limit-recurrence-set objs, else entries
	objs    map[objKey]*groups.CalObject
	entries map[objKey]*objEntry
}

type ctxKey struct{}

// errNoCalendar is what every collection the user cannot open answers.
func errNoCalendar() error { return &groups.Error{Kind: groups.ErrNotFound, Msg: "no such calendar"} }

func stateOf(ctx context.Context) *reqState {
	st, _ := ctx.Value(ctxKey{}).(*reqState)
	return st
}

// calendar opens (once per request) a collection for the user.
func (st *reqState) calendar(ctx context.Context, group, feature string) (*groups.Calendar, error) {
	key := group + "/" + feature
	if c, ok := st.cals[key]; ok {
		return c, nil
	}
	c, err := st.h.store.Calendar(ctx, st.actor, group, feature)
	if errors.Is(err, groups.ErrNotFound) {
		// One answer for a group that does not exist, one the user is not
		// (or no longer) in and a feature turned off (SPEC §1 visibility).
		return nil, errNoCalendar()
	}
	if err != nil {
		return nil, err
	}
	st.cals[key] = c
	return c, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := strings.TrimSuffix(r.URL.Path, "/"); p == "/.well-known/caldav" {
		// RFC 6764 §5: the context path is the DAV root. 308 keeps the
		// method (PROPFIND) where a 301 turns it into GET in some clients.
		code := http.StatusPermanentRedirect
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			code = http.StatusMovedPermanently
		}
		http.Redirect(w, r, h.prefix+"/", code)
		return
	}
	if r.URL.Path == "/" && h.prefix != "/" {
		h.serveServerRoot(w, r)
		return
	}
	if !checkRawPath(r.URL) {
		writeError(w, http.StatusBadRequest, "", "the path holds an encoded slash, an empty segment or a dot segment")
		return
	}
	t, ok := parsePath(h.prefix, r.URL.Path)
	if r.Method == http.MethodOptions {
		h.options(w, t, ok)
		return
	}
	user, err := h.authenticate(r)
	if err != nil {
		h.unauthorized(w, err)
		return
	}
	if r.Method == "MKCALENDAR" || r.Method == "MKCOL" {
		writeError(w, http.StatusForbidden, "", "group calendars are fixed: each group has its events and tasks collections; a new calendar cannot be created")
		return
	}
	if !ok {
		if strings.HasPrefix(r.URL.Path, h.homePath()) {
			// A collection name that does not exist answers as one the
			// user cannot see (feature off, not a member): SPEC §1.
			h.fail(w, r, errNoCalendar())
			return
		}
		writeError(w, http.StatusNotFound, "", "nothing here")
		return
	}
	st := &reqState{h: h, r: r, user: user, actor: groups.UserActor(user), cals: map[string]*groups.Calendar{}, zone: time.UTC}
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, st))
	st.r = r
	h.dispatch(w, r, st, t)
}

func (h *handler) dispatch(w http.ResponseWriter, r *http.Request, st *reqState, t target) {
	switch r.Method {
	case "PROPFIND":
		h.propfind(w, r, st, t)
	case "PROPPATCH":
		h.proppatch(w, r, st, t)
	case "REPORT":
		h.report(w, r, st, t)
	case http.MethodPut:
		h.put(w, r, st, t)
	case http.MethodGet, http.MethodHead, http.MethodDelete:
		if t.kind == kCollection {
			// A collection the user cannot see is missing (404), not one
			// without GET (405).
			if _, err := st.calendar(r.Context(), t.group, t.feature); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		if t.kind != kObject {
			writeError(w, http.StatusMethodNotAllowed, "", "only calendar objects can be read or deleted this way")
			return
		}
		c, err := st.calendar(r.Context(), t.group, t.feature)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" && r.Method != http.MethodDelete {
			// RFC 9110 §13.1.2: a GET of an unchanged object is 304.
			if o, err := c.Get(r.Context(), t.name); err == nil && groups.ETagMatches(inm, o.ETag) {
				w.Header().Set("ETag", o.ETag)
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		h.dav.ServeHTTP(w, r)
	default:
		writeError(w, http.StatusMethodNotAllowed, "", "method not supported here")
	}
}

// options answers OPTIONS (RFC 4791 §5.1) without asking for a login.
func (h *handler) options(w http.ResponseWriter, t target, ok bool) {
	w.Header().Set("DAV", "1, 3, calendar-access")
	allow := "OPTIONS, PROPFIND, REPORT"
	switch {
	case ok && t.kind == kCollection:
		allow += ", PROPPATCH"
	case ok && t.kind == kObject:
		allow += ", GET, HEAD, PUT, DELETE"
	}
	w.Header().Set("Allow", allow)
	w.WriteHeader(http.StatusOK)
}

// authenticate checks HTTP Basic credentials through groups.Login.
func (h *handler) authenticate(r *http.Request) (*groups.User, error) {
	email, pw, ok := r.BasicAuth()
	if !ok {
		return nil, groups.ErrUnauthenticated
	}
	return h.store.Login(r.Context(), groups.LoginRequest{Email: email, Password: pw, Remote: r.RemoteAddr, Protocol: "dav"})
}

func (h *handler) unauthorized(w http.ResponseWriter, err error) {
	if errors.Is(err, groups.ErrThrottled) {
		w.Header().Set("Retry-After", "60")
		writeError(w, http.StatusTooManyRequests, "", groups.Message(err))
		return
	}
	if !errors.Is(err, groups.ErrUnauthenticated) {
		h.log.Error("login", "err", err)
		writeError(w, http.StatusInternalServerError, "", "internal error")
		return
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="`+h.opts.Realm+`", charset="UTF-8"`)
	writeError(w, http.StatusUnauthorized, "", "log in with your email address and password")
}
