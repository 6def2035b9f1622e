package daemon

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"groupd/api"
)

// httpListener builds the one HTTP listener (SPEC §3): health, metrics,
// the JSON API, DAV and the web console.
func (d *Daemon) httpListener() (Listener, error) {
	log := d.logger("http")
	m := newMetrics()
	m.watchQueue(d.store)
	apiHandler, err := api.New(api.Options{Store: d.store, AdminToken: d.token, Logger: d.log,
		MaxBodyBytes: d.cfg.Limits.MaxRequestBytes, DefaultFolderQuota: d.cfg.DAV.FolderQuota,
		MaxAttachmentBytes: d.cfg.Notes.MaxAttachmentBytes})
	if err != nil {
		return Listener{}, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", d.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelError), Registry: m.reg,
	}))
	mux.Handle("/api/", apiHandler) // serves full paths /api/v1/...
	console, err := d.webConsole()
	if err != nil {
		return Listener{}, err
	}
	mux.Handle("/", console) // the web console: every path not served above
	// A browser opening the server address gets the console; DAV clients'
	// OPTIONS and PROPFIND on "/" stay with CalDAV (mountDAV).
	mux.Handle("GET /{$}", console)

	if err := d.mountDAV(mux); err != nil {
		return Listener{}, err
	}

	// The console's event streams stay open as long as their page: they
	// have their own cap beside the one on requests in progress.
	routed := davAsSent(mux)
	handler, stopStreams := limitStreams(d.cfg.Limits.MaxHTTPRequests, log, routed,
		limitRequests(d.cfg.Limits.MaxHTTPRequests, log, routed))
	// Requests with bodies pass their own guards first (bodies.go).
	handler = limitBodies(d.bodies, log, handler)
	srv := &http.Server{
		Handler:           m.instrument(handler),
		ReadHeaderTimeout: 10 * time.Second,
		// No ReadTimeout or WriteTimeout: WebDAV uploads and downloads
		// may rightly take long; idle keep-alive connections are bounded.
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(stopStreams)
	return Listener{Name: "http", Addr: d.cfg.Listen.HTTP,
		Serve: srv.Serve, Shutdown: srv.Shutdown, Close: srv.Close}, nil
}

// davAsSent hands requests under /dav/files/ to the folder handler and
// the rest under /dav/ to the CalDAV handler with their path as sent.
// ServeMux would answer a path with "." or ".." segments or "//" with a
// redirect to its cleaned form; both handlers refuse such paths
// themselves with 400 (issues 5 and 6: traversal is refused).
func davAsSent(mux *http.ServeMux) http.Handler {
	files, filesPattern := mux.Handler(&http.Request{Method: "GET", URL: &url.URL{Path: "/dav/files/"}})
	cal, calPattern := mux.Handler(&http.Request{Method: "GET", URL: &url.URL{Path: "/dav/"}})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/dav/files" || strings.HasPrefix(r.URL.Path, "/dav/files/"):
			r.Pattern = filesPattern // for the metrics' route label
			files.ServeHTTP(w, r)
		case strings.HasPrefix(r.URL.Path, "/dav/"):
			r.Pattern = calPattern
			cal.ServeHTTP(w, r)
		default:
			mux.ServeHTTP(w, r)
		}
	})
}

// healthz answers 200 "ok" when the database answers, 503 otherwise.
func (d *Daemon) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := d.store.Ping(ctx); err != nil {
		d.logger("http").Warn("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
