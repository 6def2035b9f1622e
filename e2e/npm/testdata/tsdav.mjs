// tsdav against groupd's CalDAV (issue 17, bug 2): find the team's
// calendar, save a recurring event with an exception and a moved
// instance, fetch a week of it with expand: true, then sync the
// collection (RFC 6578) before and after another event is saved.
// Prints JSON.
import { createDAVClient } from 'tsdav';

const env = process.env;
const client = await createDAVClient({
  serverUrl: env.GROUPD_URL,
  credentials: { username: env.GROUPD_USER, password: env.GROUPD_PASSWORD },
  authMethod: 'Basic',
  defaultAccountType: 'caldav',
});
const calendars = await client.fetchCalendars();
const cal = calendars.find((c) => c.url.endsWith('/dav/calendars/team/events/'));
if (!cal) throw new Error('no team calendar among ' + calendars.map((c) => c.url));

const ics = (...lines) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//tsdav e2e//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
// Daily stand-up at 09:00 Berlin (08:00Z in March), 2–8 March 2026; none
// on 4 March; the 5 March one moved to 11:00.
const standup = ics(
  'BEGIN:VEVENT', 'UID:tsdav-standup', 'DTSTAMP:20260101T000000Z',
  'DTSTART;TZID=Europe/Berlin:20260302T090000', 'DTEND;TZID=Europe/Berlin:20260302T091500',
  'RRULE:FREQ=DAILY;COUNT=7', 'EXDATE;TZID=Europe/Berlin:20260304T090000', 'SUMMARY:Stand-up', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:tsdav-standup', 'DTSTAMP:20260101T000000Z',
  'RECURRENCE-ID;TZID=Europe/Berlin:20260305T090000',
  'DTSTART;TZID=Europe/Berlin:20260305T110000', 'DTEND;TZID=Europe/Berlin:20260305T111500',
  'SUMMARY:Stand-up (moved)', 'END:VEVENT');
const put = await client.createCalendarObject({ calendar: cal, filename: 'standup.ics', iCalString: standup });
if (!put.ok) throw new Error('create: ' + put.status);

const out = { created: put.status };
const expanded = await client.fetchCalendarObjects({
  calendar: cal,
  timeRange: { start: '2026-03-03T00:00:00Z', end: '2026-03-07T00:00:00Z' },
  expand: true,
});
out.expanded = expanded.map((o) => ({ url: new URL(o.url).pathname, data: o.data }));

const collection = { ...cal, objects: [], objectMultiGet: client.calendarMultiGet };
const first = await client.smartCollectionSync({ collection, method: 'webdav', detailedResult: true });
await client.createCalendarObject({
  calendar: cal, filename: 'lunch.ics',
  iCalString: ics('BEGIN:VEVENT', 'UID:tsdav-lunch', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260310T120000Z',
    'DTEND:20260310T130000Z', 'SUMMARY:Lunch', 'END:VEVENT'),
});
const second = await client.smartCollectionSync({
  collection: { ...collection, syncToken: first.syncToken }, method: 'webdav', detailedResult: true,
});
const names = (objs) => objs.map((o) => new URL(o.url).pathname.split('/').pop()).sort();
out.sync = {
  first: names(first.objects.created),
  second: names(second.objects.created),
  tokenChanged: Boolean(first.syncToken) && first.syncToken !== second.syncToken,
};
console.log(JSON.stringify(out));
