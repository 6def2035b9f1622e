// Package calendar is groupd's CalDAV server (RFC 4791): every group a
// user belongs to shows its shared events (feature "event", VEVENT) at
// /dav/calendars/<group-id>/events/ and its tasks (feature "task",
// VTODO) at /dav/calendars/<group-id>/tasks/ (SPEC §3).
//
// Built on github.com/emersion/go-webdav's caldav package and
// github.com/emersion/go-ical. go-webdav's caldav.Handler serves GET,
// HEAD and DELETE of objects through our Backend (backend.go);
// caldav.ValidateCalendarObject checks every PUT. Around it we add what it
// lacks:
//
//   - discovery: /.well-known/caldav redirects to the DAV root (RFC 6764;
//     308 so that PROPFIND stays PROPFIND); PROPFIND on the bare server
//     URL "/" answers current-user-principal for clients given only the
//     server address, and OPTIONS there the DAV classes and MS-Author-Via
//     that Windows probes (serverroot.go); PROPFIND on the root, the
//     principal (/dav/principals/<email>/), the calendar home
//     (/dav/calendars/), the collections and objects (propfind.go,
//     props.go): go-webdav's PROPFIND assumes the principal one level and
//     the home two levels below the prefix, the other way round from
//     SPEC §3, and knows none of the properties below;
//   - every decode of a client's body or a stored object recovers the
//     panics of go-ical's decoder into an error (decode.go);
//   - PUT, stored by us from the one parse of the body (go-webdav's would
//     parse it again) after checks (put.go): max-resource-size (413),
//     valid-calendar-data (400), one component type that the collection
//     supports (403 supported-calendar-component), a UID, no UID twice in
//     a collection (409 no-uid-conflict with the holder's href), the
//     recurrence limits (403 valid-calendar-object-resource or
//     max-instances, limits.go), If-Match / If-None-Match (412); 201 for
//     new, 204 for replaced;
//   - REPORTs (report.go): calendar-query with matching of our own
//     (filter.go; the instances from groupd/internal/recur: RRULE, RDATE,
//     EXDATE, RECURRENCE-ID overrides, VTIMEZONE, all-day and floating
//     times, the VTODO rules of RFC 4791 §9.9; case-insensitive
//     text-match with negate-condition, CALDAV:timezone), where
//     caldav.Match compares only instance starts, reads RDATE from
//     EXDATE, ignores overrides and VTODO ranges and is case-sensitive;
//     calendar-multiget (multiget.go) from one query per collection, or
//     from the answer cache (answercache.go: objects with their data
//     escaped, valid while their collection's sync token is unchanged),
//     its hrefs read by a scanner of their own (hrefscan.go) with
//     encoding/xml behind it; free-busy-query (freebusy.go);
//     sync-collection with tombstones (RFC 6578, sync.go). Both query and
//     multiget answer from the stored bytes, or, when calendar-data asks
//     for CALDAV:expand or limit-recurrence-set (RFC 4791 §9.6.5,
//     §9.6.6), from the instances internal/recur yields (expand.go),
//     within the same budget. A calendar-query or
//     free-busy-query expands within a budget per request and per object
//     (limits.go): past it the 207 is marked partial, or the free-busy
//     answer is 507, with DAV:number-of-matches-within-limits;
//   - getctag and sync-token; a displayname ("Team", "Team · Tasks" in
//     the organisation's language) and an Apple calendar-color from the
//     group id by default (names.go); PROPPATCH of displayname,
//     calendar-color and calendar-order kept per user (proppatch.go);
//     MKCALENDAR and MKCOL answered 403: group calendars are fixed.
//
// Users log in with HTTP Basic through groups.Login. Every collection is
// opened through groups (Store.Calendar, which calls Store.Authorize), so
// a non-member, a removed member or a disabled feature meet 404 at once.
//
// What it stores, through groups: the objects in cal_objects in the
// canonical encoding of go-ical (so that GET, whose body go-webdav
// re-encodes, returns exactly what the ETag names), each with the time
// span of its instances for query candidates; the change log cal_changes
// (one row per resource name, deletions as tombstones) that sync tokens
// count in; per-user collection properties in cal_props.
package calendar
