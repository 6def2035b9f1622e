package api

import (
	"errors"
	"log/slog"
	"net/http"

	"groupd/groups"
)

// Options configure the API handler.
type Options struct {
	// Store is the groups model. Required.
	Store *groups.Store
	// AdminToken is the bearer token that acts as an administrator. Required.
	AdminToken string
	// Logger. Default: discard.
	Logger *slog.Logger
	// MaxBodyBytes bounds JSON request bodies. Default 1 MiB.
	MaxBodyBytes int64
	// MaxConvertBytes bounds the mbox of POST /api/v1/groups/convert.
	// Default 25 MiB.
	MaxConvertBytes int64
	// DefaultFolderQuota is the folder quota of a group without its own,
	// as the WebDAV handler applies it (GET .../quota reports it).
	// Default 10 GiB.
	DefaultFolderQuota int64
	// MaxAttachmentBytes bounds one file attached to a note
	// (notes.max_attachment_bytes). Default 25 MiB.
	MaxAttachmentBytes int64
}

// server holds what every handler needs; it has no mutable state.
type server struct {
	store      *groups.Store
	adminToken []byte
	log        *slog.Logger
	maxBody    int64
	maxConvert int64
	defQuota   int64
	maxAttach  int64
	mux        *http.ServeMux
	csrf       *http.CrossOriginProtection
}

// New returns the handler for /api/v1/. It serves full paths
// (/api/v1/groups/...), so the caller mounts it at "/api/" unchanged.
func New(opts Options) (http.Handler, error) {
	if opts.Store == nil || opts.AdminToken == "" {
		return nil, errors.New("api: Store and AdminToken are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.DefaultFolderQuota <= 0 {
		opts.DefaultFolderQuota = 10 << 30
	}
	if opts.MaxAttachmentBytes <= 0 {
		opts.MaxAttachmentBytes = 25 << 20
	}
	if opts.MaxConvertBytes <= 0 {
		opts.MaxConvertBytes = 25 << 20
	}
	s := &server{
		store:      opts.Store,
		adminToken: []byte(opts.AdminToken),
		log:        opts.Logger.With("component", "api"),
		maxBody:    opts.MaxBodyBytes,
		maxConvert: opts.MaxConvertBytes,
		defQuota:   opts.DefaultFolderQuota,
		maxAttach:  opts.MaxAttachmentBytes,
		mux:        http.NewServeMux(),
		csrf:       http.NewCrossOriginProtection(),
	}
	s.routes()
	return s, nil
}

// routes registers every route of SPEC §3 under /api/v1/.
func (s *server) routes() {
	h := func(pattern string, fn handlerFunc) { s.mux.Handle(pattern, s.handle(fn)) }
	h("POST /api/v1/users", s.createUser)
	h("GET /api/v1/users", s.listUsers)
	h("GET /api/v1/users/{email}", s.getUser)
	h("PATCH /api/v1/users/{email}", s.updateUser)
	h("DELETE /api/v1/users/{email}", s.deleteUser)
	h("POST /api/v1/users/{email}/app-passwords", s.createAppPassword)
	h("GET /api/v1/users/{email}/app-passwords", s.listAppPasswords)
	h("DELETE /api/v1/users/{email}/app-passwords/{pw}", s.revokeAppPassword)

	h("POST /api/v1/groups", s.createGroup)
	h("GET /api/v1/groups", s.listGroups)
	h("GET /api/v1/autocomplete", s.autocomplete)
	h("GET /api/v1/groups/preview", s.previewGroup)
	h("GET /api/v1/people", s.people)
	h("POST /api/v1/groups/convert", s.convert)
	h("GET /api/v1/groups/{id}", s.getGroup)
	h("PATCH /api/v1/groups/{id}", s.updateGroup)
	h("DELETE /api/v1/groups/{id}", s.deleteGroup)
	h("POST /api/v1/groups/{id}/purge", s.purge)

	h("GET /api/v1/groups/{id}/members", s.listMembers)
	h("PUT /api/v1/groups/{id}/members/{email}", s.putMember)
	h("DELETE /api/v1/groups/{id}/members/{email}", s.deleteMember)

	h("GET /api/v1/groups/{id}/delivery", s.getDelivery)
	h("PUT /api/v1/groups/{id}/delivery", s.putDelivery)
	h("GET /api/v1/groups/{id}/external/{address}/delivery", s.getExternalDelivery)
	h("PUT /api/v1/groups/{id}/external/{address}/delivery", s.putExternalDelivery)

	h("GET /api/v1/groups/{id}/held", s.listHeld)
	h("GET /api/v1/groups/{id}/held/{n}", s.getHeld)
	h("POST /api/v1/groups/{id}/held/{n}", s.decideHeld)
	h("GET /api/v1/groups/{id}/requests", s.listJoinRequests)
	h("GET /api/v1/groups/{id}/requests/{n}", s.getJoinRequest)
	h("POST /api/v1/groups/{id}/requests/{n}", s.decideJoinRequest)

	h("GET /api/v1/groups/{id}/notes", s.listNotes)
	h("POST /api/v1/groups/{id}/notes", s.createNote)
	h("GET /api/v1/groups/{id}/notes/{note}", s.getNote)
	h("PATCH /api/v1/groups/{id}/notes/{note}", s.updateNote)
	h("DELETE /api/v1/groups/{id}/notes/{note}", s.deleteNote)
	h("GET /api/v1/groups/{id}/notes/{note}/attachments", s.listAttachments)
	h("POST /api/v1/groups/{id}/notes/{note}/attachments", s.postAttachment)
	h("GET /api/v1/groups/{id}/notes/{note}/attachments/{a}", s.getAttachment)
	h("GET /api/v1/groups/{id}/notes/{note}/attachments/{a}/thumbnail", s.getThumbnail)
	h("DELETE /api/v1/groups/{id}/notes/{note}/attachments/{a}", s.deleteAttachment)

	h("GET /api/v1/groups/{id}/quota", s.getQuota)
	h("PUT /api/v1/groups/{id}/quota", s.putQuota)

	h("GET /api/v1/groups/{id}/profile", s.getProfile)
	h("PUT /api/v1/groups/{id}/profile", s.putProfile)

	h("GET /api/v1/policy", s.getPolicy)
	h("PUT /api/v1/policy", s.putPolicy)
}

// ServeHTTP authenticates every request, then routes it. Requests the
// mux has no route for get its 404 or 405 as a JSON error.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	// Browsers attach cached Basic credentials to cross-site requests;
	// refuse state changes that a browser marks as cross-origin (CSRF).
	// curl and scripts send no Sec-Fetch-Site or Origin and pass.
	if err := s.csrf.Check(r); err != nil {
		s.fail(w, r, &groups.Error{Kind: groups.ErrDenied, Msg: "cross-origin requests from a browser are refused"})
		return
	}
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	if _, err := s.authenticate(r); err != nil {
		s.fail(w, r, err)
		return
	}
	s.noRoute(w, r, h)
}

// handlerFunc serves one route for an authenticated actor; an error it
// returns is answered by fail.
type handlerFunc func(w http.ResponseWriter, r *http.Request, a groups.Actor) error

// handle authenticates the request and runs fn.
func (s *server) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := s.authenticate(r)
		if err == nil {
			err = fn(w, r, a)
		}
		if err != nil {
			s.fail(w, r, err)
		}
	})
}

// Route returns the pattern of the API route that serves r, such as
// "GET /api/v1/groups/{id}", or "" when none does, so that the daemon can
// count and time requests per route without one series per group id.
func Route(h http.Handler, r *http.Request) string {
	s, ok := h.(*server)
	if !ok {
		return ""
	}
	_, pattern := s.mux.Handler(r)
	return pattern
}
