package calendar

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/emersion/go-ical"

	"groupd/internal/recur"
)

// The limits on recurrence (issue 16), so that neither storing an object
// nor answering a query costs more than a bounded amount of CPU and
// memory, whatever the objects hold.
//
// At PUT (RFC 4791 §5.3.2.1), an object is refused with 403 and a
// sentence in DAV:responsedescription when
//   - it holds more than maxComponents VEVENTs or VTODOs (a master and
//     its overrides): CALDAV:valid-calendar-object-resource;
//   - it generates more than maxInstances instances, counting each
//     master's instances in the year after its DTSTART (so that rules
//     without end are judged by their density: hourly passes, every
//     half hour does not), every RDATE and every override:
//     CALDAV:max-instances, the collection's property of that name;
//   - counting them takes more than putSteps steps of the rule engine (a
//     rule that walks centuries to find nothing):
//     CALDAV:valid-calendar-object-resource.
//
// Per calendar-query or free-busy-query request, whatever the number of
// objects (Options.QueryLimits, defaultQueryLimits): expansion steps and
// instances for the request and for each object, and the bytes of the
// answer (Options.MaxReportBytes). Past one of them a calendar-query
// answers the matches found so far in its 207, with a DAV:response for
// the collection marked 507 and DAV:number-of-matches-within-limits (RFC
// 6578 §3.6; the condition is RFC 5323's), naming the limit; an object
// whose own limit is reached is left out of the matches. A
// free-busy-query, whose answer would show time as free that is busy,
// answers 507 with the same DAV:error instead.
const (
	maxComponents   = 1000
	maxInstances    = 10_000
	instanceHorizon = 366 * 24 * time.Hour
	putSteps        = 1_000_000
)

// defaultQueryLimits is the expansion budget of one query: about 0.2 s
// of the rule engine's work for the request, a tenth of it per object.
func defaultQueryLimits() recur.Limits {
	return recur.Limits{Steps: 1_000_000, Instances: 100_000, ObjectSteps: 200_000, ObjectInstances: 20_000}
}

// defaultMaxReportBytes bounds the calendar-data a calendar-query
// answers.
const defaultMaxReportBytes = 16 << 20

const condMatches = "D:number-of-matches-within-limits"

// checkLimits applies the PUT limits to a parsed object; code 0 means it
// is within them.
func checkLimits(cal *ical.Calendar) (code int, cond, msg string) {
	n := 0
	for _, c := range cal.Children {
		if c.Name == ical.CompEvent || c.Name == ical.CompToDo {
			n++
		}
	}
	if n > maxComponents {
		return http.StatusForbidden, condValidObject, fmt.Sprintf(
			"the object holds %d components; at most %d may share a UID (a recurring event and its changed instances)", n, maxComponents)
	}
	b := recur.NewBudget(recur.Limits{ObjectInstances: maxInstances, ObjectSteps: putSteps})
	_, err := recur.NewObject(cal, time.UTC).Count(instanceHorizon, b)
	var le *recur.LimitError
	switch {
	case errors.As(err, &le) && le.What == "instances":
		return http.StatusForbidden, condMaxInstances, "the object repeats more than " + strconv.Itoa(maxInstances) +
			" times in a year; make its rule less frequent or split it"
	case errors.As(err, &le):
		return http.StatusForbidden, condValidObject, "the recurrence rule takes too much work to expand; simplify it"
	case err != nil:
		return http.StatusBadRequest, condValidObject, err.Error()
	}
	return 0, "", ""
}

// truncatedResponse is the part of a calendar-query's 207 the DAV:response that
// says it is partial (RFC 6578 §3.6).
func truncatedResponse(href, why string) response {
	return response{href: href, status: http.StatusInsufficientStorage, errCond: condMatches,
		description: "the answer is partial: " + why}
}
