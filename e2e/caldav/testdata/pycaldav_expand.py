"""python3-caldav's date_search(expand=True) against groupd (issue 17,
bug 2): a daily stand-up with an exception and a moved instance, searched
over four days. python-caldav expands on the client when the server does
not (it finds an RRULE in the answer); that fallback is made to fail here,
so that what is printed is the server's expansion.
Usage: pycaldav_expand.py URL USER PASSWORD. Prints JSON, then OK."""
import json
import sys
from datetime import datetime, timezone

import caldav
import caldav.objects

url, user, password = sys.argv[1:4]


def no_client_expansion(self, start, end):
    raise AssertionError("the server did not expand (RFC 4791 §9.6.5): the answer has RRULE or EXDATE\n" + self.data)


caldav.objects.CalendarObjectResource.expand_rrule = no_client_expansion

client = caldav.DAVClient(url=url, username=user, password=password)
cals = client.principal().calendars()
cal = [c for c in cals if str(c.url).endswith("/dav/calendars/team/events/")][0]
cal.save_event("""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//pycaldav expand test//EN
BEGIN:VEVENT
UID:py-standup
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Berlin:20260302T090000
DTEND;TZID=Europe/Berlin:20260302T091500
RRULE:FREQ=DAILY;COUNT=7
EXDATE;TZID=Europe/Berlin:20260304T090000
SUMMARY:Stand-up
END:VEVENT
BEGIN:VEVENT
UID:py-standup
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Berlin:20260305T090000
DTSTART;TZID=Europe/Berlin:20260305T110000
DTEND;TZID=Europe/Berlin:20260305T111500
SUMMARY:Stand-up (moved)
END:VEVENT
END:VCALENDAR
""")
found = cal.date_search(datetime(2026, 3, 3, tzinfo=timezone.utc), datetime(2026, 3, 7, tzinfo=timezone.utc), expand=True)
seen = []
for o in found:
    for ev in o.icalendar_instance.walk("VEVENT"):
        seen.append("%s %s %s" % (ev["SUMMARY"], ev["DTSTART"].to_ical().decode(), ev["RECURRENCE-ID"].to_ical().decode()))
print(json.dumps(sorted(seen)))
print("OK")
