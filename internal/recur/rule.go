package recur

import (
	"errors"
	"math"
	"time"

	"github.com/teambition/rrule-go"
)

// errRule is a rule on which the engine panics (it does on some that it
// accepts, such as FREQ=MONTHLY;BYDAY=0FR from a DTSTART in year 0).
var errRule = errors.New("the recurrence rule cannot be expanded (RFC 5545 §3.3.10)")

// setupSteps is what preparing the engine for a rule is charged: about
// a microsecond.
const setupSteps = 20

// lastWall is the last second the engine computes (its MAXYEAR is 9999).
var lastWall = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// rule is a component's RRULE (RFC 5545 §3.8.5.3, §3.3.10) with its
// DTSTART. The engine runs it in "wall-clock time": DTSTART's local
// date and time written as UTC, so that nothing it computes depends on a
// zone; each occurrence is then read back in DTSTART's zone, as the
// engine itself would (RFC 5545 §3.3.10: the rule is applied to local
// time). That lets walk move the rule in time without changing it.
type rule struct {
	opt   rrule.ROption  // normalized (guard.go); DTSTART and UNTIL unset
	loc   *time.Location // DTSTART's zone
	start time.Time      // DTSTART, in wall-clock time
	first time.Time      // DTSTART, the instant
	until time.Time      // UNTIL, the instant; zero when none
	empty bool           // it has no occurrence (guard.go)
	plain bool           // WEEKLY to SECONDLY without BYxxx: one occurrence a period
	times times          // BYHOUR, BYMINUTE, BYSECOND that limit, applied here
	count int            // COUNT, when applied here (with times)
}

func parseRule(value string, dtstart time.Time) (r *rule, err error) {
	defer recoverRule(&err)
	o, err := rrule.StrToROptionInLocation(value, dtstart.Location())
	if err != nil {
		return nil, err
	}
	r = &rule{loc: dtstart.Location(), start: wall(dtstart), first: dtstart, until: o.Until, plain: plain(o)}
	o.Dtstart, o.Until = time.Time{}, time.Time{}
	if r.empty, err = normalize(o, r.start); err != nil {
		return nil, err
	}
	if timeFiltered(o) {
		r.times, r.count, o.Count = stripTimes(o), o.Count, 0
	}
	r.opt = *o
	return r, nil
}

// plain reports a rule of FREQ and INTERVAL only (and COUNT or UNTIL),
// WEEKLY or more often: each period has exactly one occurrence, at
// DTSTART's place in it.
func plain(o *rrule.ROption) bool {
	return o.Freq >= rrule.WEEKLY && len(o.Bysetpos)+len(o.Bymonth)+len(o.Bymonthday)+len(o.Byyearday)+
		len(o.Byweekno)+len(o.Byweekday)+len(o.Byhour)+len(o.Byminute)+len(o.Bysecond)+len(o.Byeaster) == 0
}

// recoverRule turns a panic of the engine into errRule.
func recoverRule(err *error) {
	if recover() != nil {
		*err = errRule
	}
}

// wall is t's local date and time written as UTC.
func wall(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// walker steps through a rule's occurrences in order, charging a Budget.
type walker struct {
	r     *rule
	next  rrule.Next
	shift int       // years the rule runs ahead of the calendar (walk)
	last  time.Time // the engine's last value, in its frame
	stop  time.Time // the engine's UNTIL, in its frame
	n     int       // occurrences so far, for COUNT
	count int       // COUNT, less the occurrences skipped
	b     *Budget
	o     *spent
	done  bool
}

// walk prepares the occurrences that may matter for the range [from, to)
// (zero: open) of instances up to lead long. Two moves keep the engine's
// walk short whatever the rule:
//
//   - without COUNT, DTSTART moves forward by whole periods of the rule
//     (INTERVAL × FREQ) to just before from − lead: the occurrences from
//     there on are the same, and those before are not needed. With COUNT
//     only a plain rule moves (FREQ=SECONDLY;COUNT=10000000), its COUNT
//     less the periods skipped; others are walked from DTSTART, and the
//     Budget bounds that;
//   - the rule runs 400·k years ahead, so that to falls in the engine's
//     last 400 years. The Gregorian calendar repeats every 400 years
//     (146,097 days, exactly 20,871 weeks), so every occurrence is the
//     same shifted, but a walk that finds nothing more ends at year 9999,
//     at most 400 years after to, not 8,000.
func (r *rule) walk(from, to time.Time, lead time.Duration, b *Budget, o *spent) (w *walker, err error) {
	defer recoverRule(&err)
	w = &walker{r: r, b: b, o: o}
	if r.empty || !to.IsZero() && !r.first.Before(to) {
		w.done = true
		return w, nil
	}
	if err := b.steps(o, setupSteps); err != nil {
		return nil, err
	}
	opt, d := r.opt, r.start
	if (opt.Count == 0 && r.count == 0 || r.plain) && !from.IsZero() && lead < longForever {
		moved := fastForward(opt, d, wall(from.Add(-lead).In(r.loc)).Add(-3*time.Hour))
		if opt.Count > 0 {
			skipped := (moved.Unix() - d.Unix()) / (int64(opt.Interval) * periodSeconds(opt.Freq))
			if skipped >= int64(opt.Count) {
				w.done = true // it ends before the range
				return w, nil
			}
			opt.Count -= int(skipped)
		}
		d = moved
	}
	w.count = max(opt.Count, r.count)
	if !to.IsZero() {
		w.shift = cycleShift(wall(to.In(r.loc)).Year() + 1)
	}
	w.stop = lastWall
	if !r.until.IsZero() {
		if u := wall(r.until.In(r.loc)).AddDate(w.shift, 0, 1); u.Before(lastWall) {
			w.stop = u
		}
	}
	opt.Dtstart, opt.Until = d.AddDate(w.shift, 0, 0), w.stop
	rr, err := rrule.NewRRule(opt)
	if err != nil {
		return nil, err
	}
	w.next, w.last = rr.Iterator(), opt.Dtstart
	return w, nil
}

// cycleShift is the multiple of 400 years that brings year into the
// engine's last 400 (9599 to 9998).
func cycleShift(year int) int {
	if year >= 9599 || year < 1 {
		return 0
	}
	return (9998 - year) / 400 * 400
}

// occurrence is the rule's next occurrence, an instant; ok is false at
// its end. Each value the engine gives is charged 1 step plus the
// periods it walked to reach it (from the time between the two).
func (w *walker) occurrence() (t time.Time, ok bool, err error) {
	defer func() {
		if recover() != nil {
			w.done, err = true, errRule
		}
	}()
	for !w.done {
		if w.count > 0 && w.n >= w.count {
			w.done = true
			break
		}
		v, ok := w.next()
		if !ok {
			w.done = true
			return time.Time{}, false, w.b.steps(w.o, w.r.cost(w.stop.Unix()-w.last.Unix())) // it walked to its end
		}
		if err := w.b.steps(w.o, w.r.cost(v.Unix()-w.last.Unix())); err != nil {
			w.done = true
			return time.Time{}, false, err
		}
		w.last = v
		t = time.Date(v.Year()-w.shift, v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), 0, w.r.loc)
		if !w.r.until.IsZero() && t.After(w.r.until) {
			w.done = true
			break
		}
		if w.r.times.keeps(v) {
			w.n++
			return t, true, nil
		}
	}
	return time.Time{}, false, nil
}

// fastForward moves the wall-clock DTSTART d of a rule without COUNT by
// whole periods of the rule (INTERVAL × FREQ) to at least one period
// before target, so that the engine need not walk the years between (a
// FREQ=SECONDLY rule from 1900 asked about today). The engine's periods
// are the same from the new start on: weeks keep their weekday and WKST,
// days and shorter periods their phase, and the defaults taken from
// DTSTART are explicit (normalize). A month or a year starts on its
// first day at midnight so that none of its occurrences is cut.
func fastForward(o rrule.ROption, d, target time.Time) time.Time {
	if !target.After(d) {
		return d
	}
	every := int64(o.Interval)
	switch o.Freq {
	case rrule.YEARLY:
		k := int64(target.Year()-d.Year())/every - 1
		if k <= 0 {
			return d
		}
		return time.Date(d.Year()+int(k*every), time.January, 1, 0, 0, 0, 0, time.UTC)
	case rrule.MONTHLY:
		months := int64(target.Year()-d.Year())*12 + int64(target.Month()-d.Month())
		k := months/every - 1
		if k <= 0 {
			return d
		}
		return time.Date(d.Year(), d.Month()+time.Month(k*every), 1, 0, 0, 0, 0, time.UTC)
	}
	period := every * periodSeconds(o.Freq)
	k := (target.Unix()-d.Unix())/period - 1
	if k <= 0 {
		return d
	}
	return time.Unix(d.Unix()+k*period, 0).UTC()
}

// periodSeconds is the length of a WEEKLY to SECONDLY period in
// wall-clock time.
func periodSeconds(f rrule.Frequency) int64 {
	switch f {
	case rrule.WEEKLY:
		return 7 * 86400
	case rrule.DAILY:
		return 86400
	case rrule.HOURLY:
		return 3600
	case rrule.MINUTELY:
		return 60
	}
	return 1
}

// cost is the steps charged for the engine's walk over gap seconds (of
// wall-clock time) to one occurrence, or to its end. Measured on rules
// that never match, a period costs it about 1 µs for a year, 75 ns for a
// month, 40 ns for a week, 20 to 40 ns for a day; a step stands for
// about 50 ns. Shorter periods are walked one at a time only within a
// day that the day filters keep, and there each yields (the times that
// BYHOUR, BYMINUTE or BYSECOND drop are dropped by the walker): a day
// they drop costs one or two.
func (r *rule) cost(gap int64) int {
	o := r.opt
	period := int64(o.Interval) * periodSeconds(o.Freq)
	var n int64
	switch {
	case gap <= 0:
	case o.Freq >= rrule.HOURLY:
		n = 2 * gap / 86400
	case o.Freq == rrule.YEARLY:
		n = gap/(int64(o.Interval)*365*86400/20) - 1
	case o.Freq == rrule.MONTHLY:
		n = gap/(int64(o.Interval)*15*86400) - 1
	default:
		n = gap/period - 1
	}
	return 1 + int(min(max(n, 0), math.MaxInt32))
}
