package imip

import (
	"errors"
	"strings"
	"testing"
)

func calendar(method string, events ...string) string {
	lines := []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN"}
	if method != "" {
		lines = append(lines, "METHOD:"+method)
	}
	return strings.Join(append(append(lines, events...), "END:VCALENDAR"), "\r\n") + "\r\n"
}

func vevent(uid, seq, stamp string, extra ...string) string {
	return strings.Join(append([]string{"BEGIN:VEVENT", "UID:" + uid, "SEQUENCE:" + seq, "DTSTAMP:" + stamp,
		"DTSTART:20260310T100000Z"}, append(extra, "END:VEVENT")...), "\r\n")
}

// mixed nests the calendar part (with the given Content-Type parameters)
// in multipart/mixed > multipart/alternative, after an .ics attachment
// without a method (not an invitation, RFC 6047 §2.4).
func mixed(params, cal string) []byte {
	return []byte("From: a@example.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n" +
		"--m\r\nContent-Type: application/ics; name=x.ics\r\n\r\n" + calendar("", vevent("attached", "0", "20260101T000000Z")) +
		"\r\n--m\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n" +
		"--a\r\nContent-Type: text/plain\r\n\r\nhello\r\n" +
		"--a\r\nContent-Type: text/calendar" + params + "\r\n\r\n" + cal + "\r\n--a--\r\n--m--\r\n")
}

func TestFind(t *testing.T) {
	inv, err := Find(mixed("; method=request", calendar("REQUEST", vevent("u1", "3", "20260101T000000Z"))), 1<<20)
	if err != nil || inv == nil || inv.Method != Request || inv.UID != "u1" || inv.Sequence != 3 || !inv.Master {
		t.Fatalf("nested REQUEST: %+v %v", inv, err)
	}
	upper := strings.Replace(string(mixed("; METHOD=REQUEST", calendar("REQUEST", vevent("u1", "0", "20260101T000000Z")))),
		"text/calendar", "TEXT/Calendar", 1)
	if inv, err := Find([]byte(upper), 1<<20); inv == nil || err != nil {
		t.Fatalf("media type and parameter in upper case (RFC 2045 §5.1): %+v %v", inv, err)
	}
	if inv, err := Find(mixed("", calendar("REQUEST", vevent("u1", "0", "20260101T000000Z"))), 1<<20); inv != nil || err != nil {
		t.Fatalf("a calendar part without method is not an invitation: %+v %v", inv, err)
	}
	if inv, err := Find([]byte("Subject: x\r\n\r\nno calendar\r\n"), 1<<20); inv != nil || err != nil {
		t.Fatalf("plain text: %+v %v", inv, err)
	}
	bad := map[string][]byte{
		"method mismatch": mixed("; method=CANCEL", calendar("REQUEST", vevent("u1", "0", "20260101T000000Z"))),
		"two UIDs": mixed("; method=REQUEST", calendar("REQUEST", vevent("u1", "0", "20260101T000000Z"),
			vevent("u2", "0", "20260101T000000Z"))),
		"not iCalendar": mixed("; method=REQUEST", "BEGIN:VCALENDAR\r\nnonsense"),
		"a VTODO":       mixed("; method=REQUEST", calendar("REQUEST", "BEGIN:VTODO\r\nUID:t\r\nDTSTAMP:20260101T000000Z\r\nEND:VTODO")),
	}
	for name, msg := range bad {
		if inv, err := Find(msg, 1<<20); inv != nil || err == nil {
			t.Errorf("%s: %+v %v, want an error", name, inv, err)
		}
	}
	if _, err := Find(mixed("; method=REQUEST", calendar("REQUEST", vevent("u1", "0", "20260101T000000Z"))), 100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the bound: %v", err)
	}
}

func TestObjectAndSupersedes(t *testing.T) {
	inv, err := Find(mixed("; method=REQUEST", calendar("REQUEST", vevent("u1", "2", "20260102T000000Z"))), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := inv.Object("bob@example.test")
	if err != nil || strings.Contains(obj, "METHOD") || !strings.Contains(obj, "ORGANIZER:mailto:bob@example.test") {
		t.Fatalf("object %q %v", obj, err)
	}
	stored := func(seq, stamp string) string { return calendar("", vevent("u1", seq, stamp)) }
	cases := []struct {
		seq, stamp string
		want       bool
	}{
		{"1", "20260105T000000Z", true},  // lower SEQUENCE: superseded
		{"3", "20260101T000000Z", false}, // higher SEQUENCE wins
		{"2", "20260101T000000Z", true},  // same SEQUENCE, older DTSTAMP
		{"2", "20260102T000000Z", true},  // the same version again
		{"2", "20260103T000000Z", false}, // same SEQUENCE, newer DTSTAMP
	}
	for _, c := range cases {
		if got := inv.Supersedes(stored(c.seq, c.stamp)); got != c.want {
			t.Errorf("stored SEQUENCE %s DTSTAMP %s: supersedes %v, want %v", c.seq, c.stamp, got, c.want)
		}
	}
}
