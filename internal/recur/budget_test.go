package recur

import (
	"errors"
	"testing"
	"time"
)

// TestBudgetShared: one budget across objects. An object that reaches
// its own limit is cut short and the next still expands; once the
// request's limit is reached, nothing more does. Reaching a limit
// exactly is not truncation.
func TestBudgetShared(t *testing.T) {
	daily := func(uid string) *Object {
		return object(t, time.UTC, vevent(uid, "DTSTART:20250101T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY"))
	}
	june := Range{utc("2025-06-01T00:00"), utc("2025-07-01T00:00")} // 30 instances each
	count := func(o *Object, b *Budget) (int, error) {
		n := 0
		err := o.Expand(june, b, func(Instance) bool { n++; return true })
		return n, err
	}

	b := NewBudget(Limits{ObjectInstances: 30, Instances: 70})
	if n, err := count(daily("a"), b); n != 30 || err != nil || b.Truncated() {
		t.Fatalf("exactly at the object's limit: %d %v %v", n, err, b.Truncated())
	}
	b = NewBudget(Limits{ObjectInstances: 20, Instances: 50})
	n, err := count(daily("a"), b)
	var le *LimitError
	if n != 20 || !errors.As(err, &le) || !le.Object || !b.Truncated() || b.Exhausted() {
		t.Fatalf("past the object's limit: %d %v", n, err)
	}
	if n, err = count(daily("b"), b); n != 20 || !errors.As(err, &le) || !le.Object {
		t.Fatalf("a second object: %d %v", n, err)
	}
	if n, err = count(daily("c"), b); n != 10 || !errors.As(err, &le) || le.Object || !b.Exhausted() {
		t.Fatalf("past the request's limit: %d %v", n, err)
	}
	if n, err = count(daily("d"), b); n != 0 || err == nil {
		t.Fatalf("after the request's limit: %d %v", n, err)
	}

	// Steps: an object spent by a request is fresh for the next one.
	o := daily("e")
	b = NewBudget(Limits{ObjectSteps: 10})
	if _, err := count(o, b); !errors.As(err, &le) || le.What != "steps" {
		t.Fatalf("steps: %v", err)
	}
	if n, err := count(o, NewBudget(Limits{ObjectSteps: 1000})); n != 30 || err != nil {
		t.Fatalf("the same object, a new budget: %d %v", n, err)
	}
}

// TestCountAndSpan: what a PUT measures.
func TestCountAndSpan(t *testing.T) {
	o := object(t, time.UTC,
		vevent("c", "DTSTART:20250101T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=500", "RDATE:20300101T090000Z"),
		vevent("c", "RECURRENCE-ID:20250105T090000Z", "DTSTART:20240105T090000Z", "DURATION:PT1H"))
	year := 366 * 24 * time.Hour
	if n, err := o.Count(year, NewBudget(Limits{ObjectInstances: 1000})); n != 366+1+1 || err != nil {
		t.Errorf("count: %d %v", n, err)
	}
	if _, err := o.Count(year, NewBudget(Limits{ObjectInstances: 100})); !isLimit(err) {
		t.Errorf("count past the limit: %v", err)
	}
	first, last, endless, err := o.Span(unlimited())
	if err != nil || endless || !first.Equal(utc("2024-01-05T09:00")) || !last.Equal(utc("2030-01-01T10:00")) {
		t.Errorf("span: %v %v %v %v", first, last, endless, err)
	}
	o = object(t, time.UTC, vevent("e", "DTSTART:20250101T090000Z", "RRULE:FREQ=WEEKLY", "RDATE:20200101T000000Z"))
	if first, _, endless, err := o.Span(unlimited()); err != nil || !endless || !first.Equal(utc("2020-01-01T00:00")) {
		t.Errorf("endless span: %v %v %v", first, endless, err)
	}
}
