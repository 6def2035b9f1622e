package folder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/net/webdav"

	"groupd/groups"
)

// Options configure the folder handler.
type Options struct {
	// Store is the groups store. Required.
	Store *groups.Store
	// Logger. Default: discard. Tagged component=dav-folder.
	Logger *slog.Logger
	// Prefix is the URL path the handler serves below. Default "/dav/files".
	Prefix string
	// DefaultQuota is the folder quota in bytes of a group without its own
	// (groups.Store.SetFolderQuota). Default 10 GiB.
	DefaultQuota int64
	// TempDir holds uploads until they are complete; it must be on the
	// blob directory's file system. Default: ".uploads" in the blob
	// directory. Leftovers of a crash are removed by New.
	TempDir string
	// MaxLockTimeout caps lock timeouts; Infinite and no Timeout header
	// get it. Default groups.MaxLockTimeout (an hour), which the store
	// also enforces: a longer value here has no effect.
	MaxLockTimeout time.Duration
	// Realm of the Basic authentication challenge. Default "groupd".
	Realm string
}

type handler struct {
	opts     Options
	log      *slog.Logger
	started  time.Time
	rootETag string
}

// New returns the WebDAV handler of the group folders. It serves full
// request paths under opts.Prefix (and OPTIONS and PROPFIND of "/" for
// the Windows mini-redirector, when mounted there too).
func New(opts Options) (http.Handler, error) {
	if opts.Store == nil {
		return nil, errors.New("folder: Options.Store is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	opts.Prefix = strings.TrimRight(opts.Prefix, "/")
	if opts.Prefix == "" {
		opts.Prefix = "/dav/files"
	}
	if opts.DefaultQuota <= 0 {
		opts.DefaultQuota = 10 << 30
	}
	if opts.TempDir == "" {
		// On PostgreSQL, .uploads/<node id>: each node cleans its own.
		opts.TempDir = opts.Store.UploadDir(opts.Store.BlobPath(".uploads"))
	}
	if opts.MaxLockTimeout <= 0 {
		opts.MaxLockTimeout = groups.MaxLockTimeout
	}
	if opts.Realm == "" {
		opts.Realm = "groupd"
	}
	if err := cleanTemp(opts.TempDir); err != nil {
		return nil, err
	}
	// Blobs of uploads that a crash stopped between rename and commit.
	if n, err := opts.Store.SweepFolderBlobs(context.Background(), time.Minute); err != nil {
		return nil, fmt.Errorf("folder: blob sweep: %w", err)
	} else if n > 0 {
		opts.Logger.Info("removed orphan folder blobs", "component", "dav-folder", "count", n)
	}
	now := time.Now().UTC().Truncate(time.Second)
	return &handler{opts: opts, log: opts.Logger.With("component", "dav-folder"),
		started: now, rootETag: fmt.Sprintf(`"r%x"`, now.UnixNano())}, nil
}

// cleanTemp removes uploads that a crash left half-written.
func cleanTemp(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("folder: temp dir: %w", err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "put-*"))
	for _, f := range old {
		os.Remove(f)
	}
	return nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff") // issue 16 item 3: every answer
	w.Header().Set("DAV", "1, 2")
	w.Header().Set("MS-Author-Via", "DAV")
	if h.above(r.URL.Path) {
		h.serveSlash(w, r)
		return
	}
	name, err := cleanURLPath(r.URL, h.opts.Prefix)
	if err != nil {
		var ep *errPath
		errors.As(err, &ep)
		fail(w, ep.code, ep.msg)
		return
	}
	if r.Method == http.MethodOptions && r.Header.Get("Authorization") == "" {
		h.serveOptions(w, name)
		return
	}
	u, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	rq := h.newRequest(r.Context(), groups.UserActor(u), r.Method)
	sw := &statusWriter{ResponseWriter: w, rq: rq}
	h.dispatch(sw, r, rq, name)
	level := slog.LevelDebug
	if sw.code >= 500 && sw.code != 507 {
		level = slog.LevelWarn
	}
	h.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "user", u.Email, "status", sw.code)
}

// authenticate checks HTTP Basic credentials against the store; without
// them it answers 401 with a challenge.
func (h *handler) authenticate(w http.ResponseWriter, r *http.Request) (*groups.User, bool) {
	email, pw, ok := r.BasicAuth()
	if ok {
		u, err := h.opts.Store.Login(r.Context(), groups.LoginRequest{Email: email, Password: pw,
			Remote: r.RemoteAddr, Protocol: "dav"})
		if err == nil {
			return u, true
		}
		if errors.Is(err, groups.ErrThrottled) {
			fail(w, http.StatusTooManyRequests, groups.Message(err))
			return nil, false
		}
		if !errors.Is(err, groups.ErrUnauthenticated) {
			h.log.Error("authenticate", "err", err)
			fail(w, http.StatusInternalServerError, "")
			return nil, false
		}
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="`+h.opts.Realm+`", charset="UTF-8"`)
	fail(w, http.StatusUnauthorized, "log in with your email address and password")
	return nil, false
}

func (h *handler) dispatch(w http.ResponseWriter, r *http.Request, rq *request, name string) {
	// Bodies other than a PUT's are small XML: bound them.
	if r.Method != http.MethodPut {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	}
	r.URL.Path, r.URL.RawPath = h.opts.Prefix+name, ""
	rq.name = name
	if ih := r.Header.Get("If"); ih != "" {
		rq.ifTokens = ifTokens(ih)
		r.Header.Set("If", absoluteTags(ih, r.Host))
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.serveGet(w, r, rq, name)
		return
	case "LOCK":
		h.serveLock(w, r, rq, name)
		return
	case "UNLOCK":
		h.serveUnlock(w, r, rq, name)
		return
	case "PROPFIND":
		if !h.checkPropfind(w, r, rq, name) {
			return
		}
	case http.MethodPut:
		if !checkNewName(w, name) || !h.checkPut(w, r, rq, name) {
			return
		}
	case "MKCOL":
		if !checkNewName(w, name) {
			return
		}
		if gid, p := split(name); p == "" {
			// Groups are made through the API; an existing one is a
			// collection that exists (405).
			if _, err := rq.folder(gid); gid == "" || err == nil {
				fail(w, http.StatusMethodNotAllowed, "")
			} else {
				fail(w, http.StatusForbidden, "groups are created through the API")
			}
			return
		}
	case "COPY", "MOVE":
		if !h.checkCopyMove(w, r, rq, name) {
			return
		}
	case "POST":
		fail(w, http.StatusMethodNotAllowed, "")
		return
	}
	dav := &webdav.Handler{Prefix: h.opts.Prefix, FileSystem: fsys{rq}, LockSystem: locksys{rq},
		Logger: func(r *http.Request, err error) {
			if err != nil {
				h.log.Debug("webdav", "method", r.Method, "path", r.URL.Path, "err", err)
			}
		}}
	dav.ServeHTTP(w, r)
}

// serveOptions answers OPTIONS without credentials: what the server can
// do, never what exists (RFC 4918 §10.1).
func (h *handler) serveOptions(w http.ResponseWriter, _ string) {
	w.Header().Set("Allow", "OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, COPY, MOVE, PROPFIND, PROPPATCH, LOCK, UNLOCK")
	w.WriteHeader(http.StatusOK)
}
