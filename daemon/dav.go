package daemon

import (
	"net/http"

	"groupd/dav/calendar"
	"groupd/dav/folder"
)

// mountDAV serves the group folders and calendars (SPEC §3) on mux:
//
//	/dav/files/...                   WebDAV, the group folders
//	/dav/, /dav/principals/...,
//	/dav/calendars/...               CalDAV, events and tasks
//	/.well-known/caldav              RFC 6764 §5 discovery
//	/ (exactly)                      discovery from the bare server URL
//
// A request for /dav/ itself goes to the CalDAV handler, where calendar
// clients start (current-user-principal, RFC 5397); the folder handler
// answers from /dav/files/ down.
func (d *Daemon) mountDAV(mux *http.ServeMux) error {
	files, err := folder.New(folder.Options{Store: d.store, Logger: d.log,
		Prefix: "/dav/files", DefaultQuota: d.cfg.DAV.FolderQuota})
	if err != nil {
		return err
	}
	cal, err := calendar.New(calendar.Options{Store: d.store, Logger: d.log,
		Prefix: "/dav", MaxResourceSize: d.cfg.DAV.MaxObjectBytes, MaxRequestBytes: d.cfg.Limits.MaxRequestBytes})
	if err != nil {
		return err
	}
	mux.Handle("/dav/files/", files)
	mux.Handle("/dav/files", files)
	mux.Handle("/dav/", cal)
	mux.Handle("/dav", cal)
	mux.Handle("/.well-known/caldav", cal)
	// Exactly "/": clients given only the server address PROPFIND it for
	// current-user-principal; Windows probes OPTIONS there.
	mux.Handle("/{$}", cal)
	return nil
}
