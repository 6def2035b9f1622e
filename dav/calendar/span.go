package calendar

import (
	"math"
	"time"

	"github.com/emersion/go-ical"

	"groupd/internal/recur"
)

// slack widens every span: floating times are matched in the query's
// zone, which may be up to 14 hours off UTC.
const slack = 14 * 3600

// spanLimits bound the expansion that span does at PUT: past them the
// object spans all time, which is always correct.
func spanLimits() recur.Limits { return recur.Limits{ObjectInstances: 10_000, ObjectSteps: putSteps} }

// span bounds the instances of an object in unix seconds, for the
// store's calendar-query candidates: a superset is fine, a subset is
// not. VTODOs, objects that cannot be expanded and rules that go on past
// the limits span everything; a rule without end spans from its first
// instance on.
func span(cal *ical.Calendar) (first, last int64) {
	all := func() (int64, int64) { return math.MinInt64, math.MaxInt64 }
	for _, c := range cal.Children {
		if c.Name != ical.CompTimezone && c.Name != ical.CompEvent {
			return all()
		}
	}
	f, l, endless, err := recur.NewObject(cal, time.UTC).Span(recur.NewBudget(spanLimits()))
	if err != nil {
		return all()
	}
	first, last = f.Unix(), l.Unix()
	if endless {
		last = math.MaxInt64
	}
	return sat(first, -slack), sat(last, slack)
}

// sat is a + d, kept within int64.
func sat(a, d int64) int64 {
	switch {
	case d > 0 && a > math.MaxInt64-d:
		return math.MaxInt64
	case d < 0 && a < math.MinInt64-d:
		return math.MinInt64
	}
	return a + d
}
