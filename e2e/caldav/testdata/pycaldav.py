"""python3-caldav against groupd, given the bare server URL: discovery,
find the group calendar, save events, date search incl. a recurring
event, edit, delete.
Usage: pycaldav.py URL USER PASSWORD. Prints OK or fails with a message."""
import sys
from datetime import datetime

import caldav

url, user, password = sys.argv[1:4]
client = caldav.DAVClient(url=url, username=user, password=password)
principal = client.principal()
cals = principal.calendars()
events = [c for c in cals if str(c.url).endswith("/dav/calendars/team/events/")]
assert events, "team events not found among %s" % [str(c.url) for c in cals]
cal = events[0]
assert cal.get_display_name() == "Team", cal.get_display_name()
tasks = [c for c in cals if str(c.url).endswith("/dav/calendars/team/tasks/")]
assert tasks, "team tasks not found"
assert tasks[0].get_display_name() == "Team · Tasks", tasks[0].get_display_name()

SINGLE = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//pycaldav test//EN
BEGIN:VEVENT
UID:py-single
DTSTAMP:20250101T000000Z
DTSTART:20250115T100000Z
DTEND:20250115T110000Z
SUMMARY:Kick-off
END:VEVENT
END:VCALENDAR
"""
WEEKLY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//pycaldav test//EN
BEGIN:VEVENT
UID:py-weekly
DTSTAMP:20250101T000000Z
DTSTART:20250107T090000Z
DTEND:20250107T093000Z
RRULE:FREQ=WEEKLY;BYDAY=TU
SUMMARY:Stand-up
END:VEVENT
END:VCALENDAR
"""
single = cal.save_event(SINGLE)
cal.save_event(WEEKLY)


def uids(objs):
    out = set()
    for o in objs:
        o.load()
        out.add(str(o.icalendar_instance.walk("VEVENT")[0]["UID"]))
    return out


jan = uids(cal.date_search(datetime(2025, 1, 1), datetime(2025, 2, 1), expand=False))
assert jan == {"py-single", "py-weekly"}, jan
june = uids(cal.date_search(datetime(2025, 6, 1), datetime(2025, 7, 1), expand=False))
assert june == {"py-weekly"}, june

single.load()
single.icalendar_instance.walk("VEVENT")[0]["SUMMARY"] = "Kick-off (moved room)"
single.save()
again = cal.event_by_uid("py-single")
assert "moved room" in again.data, again.data

tasks[0].save_todo("""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//pycaldav test//EN
BEGIN:VTODO
UID:py-todo
DTSTAMP:20250101T000000Z
DUE:20250120T120000Z
SUMMARY:Write minutes
END:VTODO
END:VCALENDAR
""")
assert len(tasks[0].todos()) == 1

again.delete()
left = uids(cal.events())
assert left == {"py-weekly"}, left
print("OK")
