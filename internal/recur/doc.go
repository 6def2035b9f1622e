// Package recur expands the recurrences of iCalendar objects (RFC 5545
// §3.8.5, §3.3.10) with bounded work, for every part of groupd that
// needs instances: CalDAV's calendar-query and free-busy-query (RFC 4791
// §9.9, §7.10) and PUT checks, and the web console's Events tab.
//
// An Object is one calendar object resource: the components that share a
// UID, a master with RRULE, RDATE and EXDATE and its RECURRENCE-ID
// overrides. Expand yields its instances that overlap a time range in
// order of start, each with the component that applies and whether it is
// an override; Meets answers the same for one component, stopping at the
// first; Span and Count bound an object for storing it. Zones
// (zones.go, vtimezone.go) reads its date values: TZID through the
// object's VTIMEZONE or the IANA zone database, DATE and floating values
// in a zone the caller gives; DURATION and DTEND (length.go) with
// nominal days.
//
// The work is bounded by a Budget shared by all the objects of a request
// (budget.go): rule steps and instances, for the request and for each
// object. The rule engine, github.com/teambition/rrule-go, cannot be
// stopped once asked for an occurrence, so rules are checked before it
// sees them (guard.go), moved to just before the range when they have no
// COUNT and run 400·k years ahead so that a walk finding nothing ends
// soon after the range (rule.go); each step it takes is charged,
// including the periods it walked through without an occurrence.
// Whatever the input, an expansion stops within about one engine call of
// its budget and holds memory in proportion to the object.
//
// The package keeps no state of its own. A Budget belongs to one request;
// an Object may serve several, one goroutine at a time.
package recur
