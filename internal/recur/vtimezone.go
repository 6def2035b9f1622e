package recur

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// vtimezone turns a VTIMEZONE (RFC 5545 §3.6.5) into a zone. A TZID that
// is an IANA name is that zone of the zone database (clients such as
// Apple's and Thunderbird send Europe/Berlin with a copy of its rules).
// Otherwise (Outlook's "W. Europe Standard Time") the current rules are
// read: the STANDARD and DAYLIGHT sub-components with the latest DTSTART,
// each a yearly rule "the n-th (or last) weekday of a month". They become
// a POSIX TZ rule (POSIX.1-2017 §8.3, as RFC 8536 §3.3 uses it in a TZif
// footer), which Go's zone code applies to every year. A zone without
// daylight saving, or with rules of another shape, is the fixed offset
// of its STANDARD part.
func vtimezone(id string, c *ical.Component) (*time.Location, bool) {
	if l, ok := ianaZone(id); ok {
		return l, true
	}
	std, dst := latest(c, ical.CompTimezoneStandard), latest(c, ical.CompTimezoneDaylight)
	if std == nil {
		return nil, false
	}
	stdOff, ok := offsetTo(std)
	if !ok {
		return nil, false
	}
	if dst != nil {
		if l, ok := ruleZone(id, stdOff, std, dst); ok {
			return l, true
		}
	}
	return time.FixedZone(id, stdOff), true
}

// latest is the sub-component named name with the latest DTSTART.
func latest(c *ical.Component, name string) *ical.Component {
	var best *ical.Component
	var bestStart string
	for _, sub := range c.Children {
		if sub.Name != name {
			continue
		}
		s := ""
		if p := sub.Props.Get(ical.PropDateTimeStart); p != nil {
			s = p.Value
		}
		if best == nil || s > bestStart {
			best, bestStart = sub, s
		}
	}
	return best
}

// offsetTo is a sub-component's TZOFFSETTO in seconds east of UTC.
func offsetTo(c *ical.Component) (int, bool) {
	p := c.Props.Get(ical.PropTimezoneOffsetTo)
	if p == nil {
		return 0, false
	}
	return parseUTCOffset(p.Value)
}

// parseUTCOffset reads a UTC-OFFSET value (RFC 5545 §3.3.14), ±hhmm[ss].
func parseUTCOffset(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if (len(s) != 5 && len(s) != 7) || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	n, err := strconv.Atoi(s[1:])
	if err != nil || n < 0 {
		return 0, false
	}
	if len(s) == 5 {
		n *= 100
	}
	h, m, sec := n/10000, n/100%100, n%100
	if h > 23 || m > 59 || sec > 59 {
		return 0, false
	}
	off := h*3600 + m*60 + sec
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

// ruleZone builds the zone of a STANDARD and a DAYLIGHT part that both
// change on a yearly rule.
func ruleZone(id string, stdOff int, std, dst *ical.Component) (*time.Location, bool) {
	dstOff, ok := offsetTo(dst)
	if !ok || dstOff == stdOff {
		return nil, false
	}
	toDST, ok := posixChange(dst)
	if !ok {
		return nil, false
	}
	toSTD, ok := posixChange(std)
	if !ok {
		return nil, false
	}
	tz := "<STD>" + posixOffset(stdOff) + "<DST>" + posixOffset(dstOff) + "," + toDST + "," + toSTD
	l, err := time.LoadLocationFromTZData(id, tzif(tz, stdOff))
	return l, err == nil
}

// posixOffset is an offset east of UTC as POSIX writes it: west positive.
func posixOffset(east int) string {
	w := -east
	sign := ""
	if w < 0 {
		sign, w = "-", -w
	}
	return fmt.Sprintf("%s%d:%02d:%02d", sign, w/3600, w/60%60, w%60)
}

var weekdays = map[string]int{"SU": 0, "MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6}

// posixChange is "Mm.w.d/time" for a sub-component whose RRULE is
// FREQ=YEARLY;BYMONTH=m;BYDAY=nDD (n 1 to 4, or -1 for the last) or the
// equivalent BYDAY=DD;BYMONTHDAY=a week of days; its DTSTART gives the
// wall-clock time of the change, in the offset in force before it
// (TZOFFSETFROM), as POSIX counts it too.
func posixChange(c *ical.Component) (string, bool) {
	rr, start := c.Props.Get(ical.PropRecurrenceRule), c.Props.Get(ical.PropDateTimeStart)
	if rr == nil || start == nil || len(start.Value) != 15 {
		return "", false
	}
	parts := map[string]string{}
	for _, kv := range strings.Split(strings.ToUpper(rr.Value), ";") {
		k, v, _ := strings.Cut(kv, "=")
		parts[k] = v
	}
	month, err := strconv.Atoi(parts["BYMONTH"])
	if parts["FREQ"] != "YEARLY" || err != nil || month < 1 || month > 12 || parts["UNTIL"] != "" || parts["COUNT"] != "" {
		return "", false
	}
	week, day, ok := nthWeekday(parts["BYDAY"], parts["BYMONTHDAY"])
	if !ok {
		return "", false
	}
	hh, _ := strconv.Atoi(start.Value[9:11])
	mm, _ := strconv.Atoi(start.Value[11:13])
	ss, _ := strconv.Atoi(start.Value[13:15])
	return fmt.Sprintf("M%d.%d.%d/%d:%02d:%02d", month, week, day, hh, mm, ss), true
}

// nthWeekday reads BYDAY (with BYMONTHDAY) as POSIX's week 1 to 5 (5:
// the last) and weekday 0 (Sunday) to 6.
func nthWeekday(byday, bymonthday string) (week, day int, ok bool) {
	if len(byday) < 2 {
		return 0, 0, false
	}
	day, ok = weekdays[byday[len(byday)-2:]]
	n := byday[:len(byday)-2]
	switch {
	case !ok:
		return 0, 0, false
	case n == "-1":
		return 5, day, true
	case n == "" && bymonthday != "":
		// BYMONTHDAY=8,9,10,11,12,13,14: the second such weekday.
		first, err := strconv.Atoi(strings.Split(bymonthday, ",")[0])
		if err != nil || first < 1 || first > 22 || (first-1)%7 != 0 {
			return 0, 0, false
		}
		return (first-1)/7 + 1, day, true
	}
	w, err := strconv.Atoi(strings.TrimPrefix(n, "+"))
	return w, day, err == nil && w >= 1 && w <= 4
}

// tzif is a TZif version 2 file (RFC 8536) without transitions, whose
// footer holds the POSIX rule tz: Go's zone code applies it to all time.
func tzif(tz string, stdOff int) []byte {
	var b []byte
	for range 2 { // the version 1 block, then the version 2 one
		b = append(b, "TZif2"...)
		b = append(b, make([]byte, 15)...)
		// isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
		for _, n := range []uint32{0, 0, 0, 0, 1, 4} {
			b = binary.BigEndian.AppendUint32(b, n)
		}
		b = binary.BigEndian.AppendUint32(b, uint32(int32(stdOff)))
		b = append(b, 0, 0) // isdst, desigidx
		b = append(b, "STD\x00"...)
	}
	return append(b, "\n"+tz+"\n"...)
}
