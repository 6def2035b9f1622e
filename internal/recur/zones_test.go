package recur

import (
	"testing"
	"time"
)

// outlookZone is a VTIMEZONE as Outlook sends it: a Windows zone name,
// not an IANA one, with the current yearly rules.
func outlookZone(id, std, dst, toDST, toSTD string) string {
	return "BEGIN:VTIMEZONE\r\nTZID:" + id + "\r\n" +
		"BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:" + dst + "\r\nTZOFFSETTO:" + std + "\r\n" + toSTD + "\r\nEND:STANDARD\r\n" +
		"BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:" + std + "\r\nTZOFFSETTO:" + dst + "\r\n" + toDST + "\r\nEND:DAYLIGHT\r\n" +
		"END:VTIMEZONE\r\n"
}

// TestVTimezone: a VTIMEZONE with daylight-saving rules gives the same
// instants as the IANA zone it describes, in both hemispheres, winter
// and summer; one with a STANDARD part only is its fixed offset; an IANA
// TZID is that zone whatever the VTIMEZONE says.
func TestVTimezone(t *testing.T) {
	cases := []struct {
		vtz, id, iana string
	}{
		{outlookZone("W. Europe Standard Time", "+0100", "+0200",
			"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
			"W. Europe Standard Time", "Europe/Berlin"},
		{outlookZone("AUS Eastern Standard Time", "+1000", "+1100",
			"RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4"),
			"AUS Eastern Standard Time", "Australia/Sydney"},
		{outlookZone("Eastern Standard Time", "-0500", "-0400",
			"RRULE:FREQ=YEARLY;BYDAY=SU;BYMONTHDAY=8,9,10,11,12,13,14;BYMONTH=3",
			"RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"),
			"Eastern Standard Time", "America/New_York"},
		{outlookZone("Europe/Paris", "+0300", "+0400", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=1", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=2"),
			"Europe/Paris", "Europe/Paris"},
	}
	for _, tc := range cases {
		iana, _ := time.LoadLocation(tc.iana)
		o := object(t, time.UTC, tc.vtz, vevent("e", "DTSTART;TZID="+tc.id+":20250115T093000"))
		for _, v := range []string{"20250115T093000", "20250715T093000", "20261105T013000", "20270330T120000"} {
			got, _, err := o.Zones().Value(v, tc.id, false)
			want, _ := time.ParseInLocation("20060102T150405", v, iana)
			if err != nil || !got.Equal(want) {
				t.Errorf("%s %s: %v, want %v (%v)", tc.id, v, got.UTC(), want.UTC(), err)
			}
		}
	}
	fixed := object(t, time.UTC, "BEGIN:VTIMEZONE\r\nTZID:Custom\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"+
		"TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
	if got, _, _ := fixed.Zones().Value("20250701T120000", "Custom", false); !got.Equal(utc("2025-07-01T06:30")) {
		t.Errorf("fixed offset: %v", got.UTC())
	}
	if l, ok := fixed.Zones().Location("Nowhere/Else"); ok || l != time.UTC {
		t.Errorf("unknown TZID: %v %v", l, ok)
	}
}

// TestDuration: RFC 5545 §3.3.6 values, days nominal.
func TestDuration(t *testing.T) {
	cases := map[string]Length{
		"P1D":        {Days: 1},
		"-P2W":       {Days: -14},
		"PT1H30M":    {Exact: 90 * time.Minute},
		"+P1DT12H":   {Days: 1, Exact: 12 * time.Hour},
		"P0D":        {},
		"PT86400S":   {Exact: 24 * time.Hour},
		"p1dt1h1m1s": {Days: 1, Exact: time.Hour + time.Minute + time.Second},
	}
	for in, want := range cases {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("%s: %+v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "P", "1D", "PT", "P1H", "PT1D", "P1DT", "P99999999999D", "P1D2"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("%q parses", bad)
		}
	}
}
