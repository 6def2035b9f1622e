package recur

import (
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
)

// object parses a VCALENDAR around comps (lines joined with CRLF).
func object(t testing.TB, floating *time.Location, comps ...string) *Object {
	t.Helper()
	body := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + strings.Join(comps, "") + "END:VCALENDAR\r\n"
	cal, err := ical.NewDecoder(strings.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	return NewObject(cal, floating)
}

// vevent and vtodo build a component of uid from property lines.
func vevent(uid string, lines ...string) string { return comp("VEVENT", uid, lines) }
func vtodo(uid string, lines ...string) string  { return comp("VTODO", uid, lines) }

func comp(name, uid string, lines []string) string {
	return "BEGIN:" + name + "\r\nUID:" + uid + "\r\nDTSTAMP:20250101T000000Z\r\n" +
		strings.Join(lines, "\r\n") + "\r\nEND:" + name + "\r\n"
}

// utc parses "2006-01-02T15:04" as UTC.
func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// unlimited is a budget far beyond what the tests need.
func unlimited() *Budget { return NewBudget(Limits{Steps: 50_000_000}) }

// starts expands o over [from, to) and lists the instances as
// "start/end" in UTC, "+" marking an override.
func starts(t testing.TB, o *Object, from, to time.Time) []string {
	t.Helper()
	var out []string
	err := o.Expand(Range{from, to}, unlimited(), func(in Instance) bool {
		s := in.Start.UTC().Format("2006-01-02T15:04") + "/" + in.End.UTC().Format("2006-01-02T15:04")
		if in.Override {
			s += "+"
		}
		out = append(out, s)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func eq(got []string, want ...string) bool { return strings.Join(got, " ") == strings.Join(want, " ") }
