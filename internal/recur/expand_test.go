package recur

import (
	"testing"
	"time"
)

// TestExpand: the instances of one object in a range, in order, with
// zones, daylight saving, EXDATE, RDATE periods, DURATION and overrides
// that move an instance into or out of the range.
func TestExpand(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	weekly := object(t, time.UTC,
		vevent("w", "DTSTART;TZID=Europe/Berlin:20250317T100000", "DTEND;TZID=Europe/Berlin:20250317T110000",
			"RRULE:FREQ=WEEKLY;BYDAY=MO", "EXDATE;TZID=Europe/Berlin:20250407T100000"),
		vevent("w", "RECURRENCE-ID;TZID=Europe/Berlin:20250414T100000", "DTSTART:20250501T120000Z", "DURATION:PT30M"),
		vevent("w", "RECURRENCE-ID;TZID=Europe/Berlin:20250421T100000", "DTSTART:20250402T080000Z", "DURATION:PT30M"))
	cases := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"winter then summer time, one excluded, one moved in",
			utc("2025-03-17T00:00"), utc("2025-04-15T00:00"),
			[]string{"2025-03-17T09:00/2025-03-17T10:00", "2025-03-24T09:00/2025-03-24T10:00",
				"2025-03-31T08:00/2025-03-31T09:00", "2025-04-02T08:00/2025-04-02T08:30+"}},
		{"moved out of its week, into May", utc("2025-04-14T00:00"), utc("2025-04-22T00:00"), nil},
		{"the moved instance at its new time", utc("2025-05-01T12:10"), utc("2025-05-01T12:20"),
			[]string{"2025-05-01T12:00/2025-05-01T12:30+"}},
		{"years later", utc("2031-06-02T00:00"), utc("2031-06-03T00:00"), []string{"2031-06-02T08:00/2031-06-02T09:00"}},
	}
	for _, tc := range cases {
		if got := starts(t, weekly, tc.from, tc.to); !eq(got, tc.want...) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}

	// All-day in the viewer's zone across the change to summer time: a
	// day is a calendar day (23 hours on 30 March 2025).
	allDay := object(t, berlin, vevent("a", "DTSTART;VALUE=DATE:20250329", "RRULE:FREQ=DAILY;COUNT=3"))
	if got := starts(t, allDay, utc("2025-03-01T00:00"), utc("2025-04-01T00:00")); !eq(got,
		"2025-03-28T23:00/2025-03-29T23:00", "2025-03-29T23:00/2025-03-30T22:00", "2025-03-30T22:00/2025-03-31T22:00") {
		t.Errorf("all-day: %v", got)
	}

	// RDATE with a PERIOD of its own, before DTSTART; DTSTART counts
	// although the rule (Mondays) does not give it (RFC 5545 §3.8.5.3).
	rdate := object(t, time.UTC, vevent("r", "DTSTART:20250102T100000Z", "DTEND:20250102T110000Z",
		"RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=2", "RDATE;VALUE=PERIOD:20250101T080000Z/PT3H"))
	if got := starts(t, rdate, utc("2025-01-01T00:00"), utc("2025-02-01T00:00")); !eq(got,
		"2025-01-01T08:00/2025-01-01T11:00", "2025-01-02T10:00/2025-01-02T11:00",
		"2025-01-06T10:00/2025-01-06T11:00", "2025-01-13T10:00/2025-01-13T11:00") {
		t.Errorf("RDATE: %v", got)
	}
}

// TestMeets: a component meets a range by its own instances.
func TestMeets(t *testing.T) {
	o := object(t, time.UTC,
		vevent("m", "DTSTART:20250301T070000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=5"),
		vevent("m", "RECURRENCE-ID:20250303T070000Z", "DTSTART:20250320T150000Z", "DTEND:20250320T160000Z"))
	master, moved := o.all[0].comp, o.all[1].comp
	cases := []struct {
		from, to      time.Time
		master, moved bool
	}{
		{utc("2025-03-03T07:00"), utc("2025-03-03T08:00"), false, false},
		{utc("2025-03-04T07:30"), utc("2025-03-04T07:31"), true, false},
		{utc("2025-03-20T15:30"), utc("2025-03-20T15:45"), false, true},
		{utc("2025-03-06T00:00"), time.Time{}, false, true},
		{time.Time{}, utc("2025-03-01T07:01"), true, false},
	}
	for i, tc := range cases {
		b := unlimited()
		m, err1 := o.Meets(master, Range{tc.from, tc.to}, b)
		v, err2 := o.Meets(moved, Range{tc.from, tc.to}, b)
		if err1 != nil || err2 != nil || m != tc.master || v != tc.moved {
			t.Errorf("case %d: master %v moved %v (%v %v)", i, m, v, err1, err2)
		}
	}
}

// TestTodoRows: the VTODO rows of RFC 4791 §9.9.
func TestTodoRows(t *testing.T) {
	o := object(t, time.UTC,
		vtodo("due", "DUE:20250610T120000Z"),
		vtodo("dur", "DTSTART:20250601T090000Z", "DURATION:P2D"),
		vtodo("done", "COMPLETED:20250301T100000Z", "CREATED:20250201T100000Z"),
		vtodo("none"),
		vtodo("rec", "DTSTART:20250101T090000Z", "DUE:20250101T100000Z", "RRULE:FREQ=MONTHLY"))
	cases := []struct {
		from, to time.Time
		want     string // which of due, dur, done, none, rec meet it
	}{
		{utc("2025-06-10T00:00"), utc("2025-06-11T00:00"), "due none"},
		{utc("2025-06-02T00:00"), utc("2025-06-02T01:00"), "dur none"},
		{utc("2025-02-15T00:00"), utc("2025-02-16T00:00"), "done none"},
		{utc("2025-09-01T09:30"), utc("2025-09-01T09:45"), "none rec"},
	}
	for _, tc := range cases {
		var got []string
		for _, s := range o.all {
			if ok, err := o.Meets(s.comp, Range{tc.from, tc.to}, unlimited()); err != nil || ok {
				uid, _ := s.comp.Props.Text("UID")
				got = append(got, uid)
			}
		}
		if !eq(got, tc.want) {
			t.Errorf("%v: %v, want %s", tc.from, got, tc.want)
		}
	}
}

// TestOrderAcrossMasters: several masters sharing a UID (as objects
// stored before the checks may hold) come out merged in order.
func TestOrderAcrossMasters(t *testing.T) {
	o := object(t, time.UTC,
		vevent("x", "DTSTART:20250101T000010Z", "RRULE:FREQ=MINUTELY;INTERVAL=2;COUNT=4"),
		vevent("x", "DTSTART:20250101T000000Z", "RRULE:FREQ=MINUTELY;INTERVAL=3;COUNT=3"),
		vevent("x", "RECURRENCE-ID:20250101T000300Z", "DTSTART:20250101T000130Z"))
	var prev time.Time
	n := 0
	err := o.Expand(Range{utc("2025-01-01T00:00"), utc("2025-01-01T01:00")}, unlimited(), func(in Instance) bool {
		if in.Start.Before(prev) {
			t.Errorf("%v after %v", in.Start, prev)
		}
		prev = in.Start
		n++
		return true
	})
	if err != nil || n != 4+3-1+1 {
		t.Fatalf("%d instances, %v", n, err)
	}
}
