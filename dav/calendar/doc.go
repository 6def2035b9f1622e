// Package calendar is groupd's CalDAV server (RFC 4791): every group a
// user belongs to shows its shared events (feature "event", VEVENT) at
// /dav/calendars/<group-id>/events/ and its tasks (feature "task",
// VTODO) at /dav/calendars/<group-id>/tasks/ (SPEC §3).
//
// Built on github.com/emersion/go-webdav's caldav handler and
// github.com/emersion/go-ical, with what they lack added around them:
//
//   - discovery: /.well-known/caldav redirects to the DAV root (RFC 6764);
//     PROPFIND on the root, the principal (/dav/principals/<email>/) and
//     the calendar home (/dav/calendars/) answers current-user-principal,
//     calendar-home-set and the collections (propfind.go, props.go; the
//     go-webdav handler assumes a fixed path depth that our layout does
//     not have, so PROPFIND is ours throughout);
//   - PUT is checked before go-webdav stores it (put.go): max-resource-size
//     (413), valid-calendar-data (400), one component type that the
//     collection supports (403 supported-calendar-component), one UID, no
//     UID used twice in a collection (409 no-uid-conflict), If-Match and
//     If-None-Match (412); 201 for new, 204 for replaced;
//   - calendar-query matching of our own (filter.go, instances.go,
//     recur.go): RRULE, RDATE, EXDATE, RECURRENCE-ID overrides, all-day and
//     floating times, the VTODO rules of RFC 4791 §9.9, case-insensitive
//     text-match with negate-condition; free-busy-query (freebusy.go);
//   - getctag, sync-token and REPORT sync-collection with tombstones
//     (RFC 6578, sync.go); PROPPATCH of displayname, calendar-color and
//     calendar-order kept per user (proppatch.go); MKCALENDAR answered 403.
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
