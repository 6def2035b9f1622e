// Package caldav holds end-to-end tests of the group calendars (issue 5,
// SPEC §3 /dav/calendars/<group-id>/{events,tasks}/) against the real
// daemon: e2etest.Start runs it on loopback ports with the CalDAV handler
// mounted at /, /dav/ and /.well-known/caldav, and the tests talk to it as
// calendar apps do — with go-webdav's CalDAV client created on the bare
// server URL, with net/http for what that client cannot send, and, when
// installed (always in CI), with python3-caldav and vdirsyncer.
//
// What they check: discovery from the bare server URL; create, update and
// delete with ETags (a stale If-Match is 412, so is a DELETE whose
// If-None-Match names the current ETag or *); a weekly event found by a
// time-range query months later and an overridden instance at its moved
// time; a VTODO query; sync-collection reporting exactly the adds and
// deletes; an outsider and a member removed over the API see nothing; a
// feature switched off answers exactly as a collection that never existed;
// bad input (broken iCalendar, 5 MB, a VEVENT among tasks, dot segments
// and encoded slashes) answered with a clear 4xx and nothing stored;
// python3-caldav's discovery → save → date search → edit → delete flow,
// and its date_search(expand=True) answered by the server's expansion
// (RFC 4791 §9.6.5, issue 17);
// a vdirsyncer two-way sync; and, with the groupd binary run through
// internal/groupdproc, the recurrence budget of issue 16: the audit's
// object of 200 rules every second refused at PUT, and, stored as before,
// queries over it answered within a second and 64 MiB of memory.
//
// The package has tests only.
package caldav
