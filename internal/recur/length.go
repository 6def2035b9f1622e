package recur

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// Length is how long an instance lasts (RFC 5545 §3.3.6): days and weeks
// are nominal — a day is a calendar day, 23 or 25 hours across a change
// of daylight saving time — and hours, minutes and seconds exact.
type Length struct {
	Days  int
	Exact time.Duration
}

// maxLengthDays bounds a duration's days (about 27,000 years), so that
// no sum overflows.
const maxLengthDays = 10_000_000

// After is the end of an instance of this length that starts at t.
func (l Length) After(t time.Time) time.Time {
	return t.AddDate(0, 0, l.Days).Add(l.Exact)
}

// Upper is a duration no shorter than l wherever it falls: a nominal
// day counts 25 hours. It saturates at longForever.
func (l Length) Upper() time.Duration {
	if l.Days > int(longForever/(25*time.Hour)) || l.Exact > longForever {
		return longForever
	}
	return min(time.Duration(max(l.Days, 0))*25*time.Hour+max(l.Exact, 0), longForever)
}

// longForever is a length beyond any range worth moving a rule for
// (about 100 years).
const longForever = 100 * 366 * 24 * time.Hour

// negative reports a length that ends before it starts.
func (l Length) negative() bool { return l.Days < 0 || l.Days == 0 && l.Exact < 0 }

var errDuration = errors.New("a DURATION is not [+/-]P…W, P…D or P…DT…H…M…S (RFC 5545 §3.3.6)")

// ParseDuration reads a DURATION value: dur-week, or dur-date with an
// optional dur-time, or dur-time, each with an optional sign.
func ParseDuration(s string) (Length, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	s, ok := strings.CutPrefix(s, "P")
	if !ok || s == "" {
		return Length{}, errDuration
	}
	var l Length
	inTime := false
	for s != "" {
		if rest, ok := strings.CutPrefix(s, "T"); ok && !inTime && rest != "" {
			s, inTime = rest, true
			continue
		}
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) || i > 9 {
			return Length{}, errDuration
		}
		n, _ := strconv.Atoi(s[:i])
		if err := l.add(n, s[i], inTime); err != nil {
			return Length{}, err
		}
		s = s[i+1:]
	}
	if l.Days > maxLengthDays {
		return Length{}, errDuration
	}
	if neg {
		l.Days, l.Exact = -l.Days, -l.Exact
	}
	return l, nil
}

// add adds n of the unit u, a date unit (W, D) before "T" and a time unit
// (H, M, S) after it.
func (l *Length) add(n int, u byte, inTime bool) error {
	switch {
	case !inTime && u == 'W':
		l.Days += 7 * n
	case !inTime && u == 'D':
		l.Days += n
	case inTime && u == 'H':
		l.Exact += time.Duration(n) * time.Hour
	case inTime && u == 'M':
		l.Exact += time.Duration(n) * time.Minute
	case inTime && u == 'S':
		l.Exact += time.Duration(n) * time.Second
	default:
		return errDuration
	}
	return nil
}

// length is the length of the instances of c that start at start: the
// end property (DTEND for a VEVENT, DUE for a VTODO) minus DTSTART, else
// DURATION, else a day for a VEVENT whose DTSTART is a DATE, else none
// (RFC 5545 §3.6.1, §3.6.2). Between two DATE values the days are
// counted. has reports an end property or DURATION.
func (z *Zones) length(c *ical.Component, start time.Time, date bool) (l Length, has bool, err error) {
	endProp := ical.PropDateTimeEnd
	if c.Name == ical.CompToDo {
		endProp = ical.PropDue
	}
	end, endDate, ok, err := z.Prop(c, endProp)
	switch {
	case err != nil:
		return Length{}, false, err
	case ok && date && endDate:
		return Length{Days: dayNumber(end) - dayNumber(start)}, true, nil
	case ok:
		return Length{Exact: end.Sub(start)}, true, nil
	}
	if p := c.Props.Get(ical.PropDuration); p != nil {
		l, err := ParseDuration(p.Value)
		return l, err == nil, err
	}
	if date && c.Name == ical.CompEvent {
		return Length{Days: 1}, false, nil
	}
	return Length{}, false, nil
}

// End is when the instance of c starting at start ends (see length);
// negative lengths count as none.
func (z *Zones) End(c *ical.Component, start time.Time, date bool) (time.Time, error) {
	l, _, err := z.length(c, start, date)
	if err != nil || l.negative() {
		return start, err
	}
	return l.After(start), nil
}

// dayNumber counts days from the proleptic Gregorian epoch, for the
// difference of two dates whatever their zones.
func dayNumber(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
