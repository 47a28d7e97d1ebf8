#!/usr/bin/env node
// Parse an iCalendar object with ical.js, the parser of Thunderbird and many web calendars.
//
// Reads the calendar on stdin and prints one JSON object on stdout:
//   {"method", "calname", "timezones", "warnings",
//    "events": [{"uid", "sequence", "summary", "status", "location", "description",
//                "start_utc", "end_utc", "start_tz", "end_tz", "all_day",
//                "recurrence_id", "rrule", "organizer", "attendees"}]}
// start_utc/end_utc are ical.js's own conversion (toJSDate().toISOString()). start_tz is
// "UTC", "floating" or the TZID; a TZID that neither a VTIMEZONE in the calendar nor
// ical.js's TimezoneService knows is read as floating and reported in "warnings".
// Floating times (and all-day dates) are read in UTC: TZ is forced to UTC below, so the
// output does not depend on the machine's zone.
//
// Exit 0 with the JSON when ical.js parsed the text; exit 1 with {"error": "..."} when it
// threw (ParserError and the like) or the text is not one VCALENDAR.
import ICAL from "ical.js";

process.env.TZ = "UTC";

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (chunk) => chunks.push(chunk));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

function zoneName(time) {
  if (!time || !time.zone) return null;
  return time.zone.tzid; // "UTC", "floating" or the TZID
}

function toUtc(time) {
  return time ? time.toJSDate().toISOString() : null;
}

function person(prop) {
  if (!prop) return null;
  const out = { value: prop.getFirstValue() };
  for (const [param, key] of [
    ["cn", "cn"],
    ["role", "role"],
    ["partstat", "partstat"],
    ["rsvp", "rsvp"],
    ["cutype", "cutype"],
  ]) {
    const value = prop.getParameter(param);
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

function checkZone(vevent, propName, warnings) {
  const prop = vevent.getFirstProperty(propName);
  if (!prop) return;
  const tzid = prop.getParameter("tzid");
  if (!tzid) return;
  const value = prop.getFirstValue();
  if (value && value.zone && value.zone.tzid === "floating") {
    const uid = vevent.getFirstPropertyValue("uid");
    warnings.push(`${uid}: ${propName.toUpperCase()} TZID=${tzid} has no VTIMEZONE and is unknown; read as floating`);
  }
}

function describeEvent(vevent, warnings) {
  const event = new ICAL.Event(vevent);
  checkZone(vevent, "dtstart", warnings);
  checkZone(vevent, "dtend", warnings);
  const start = event.startDate;
  const end = start ? event.endDate : null;
  const rrule = vevent.getFirstPropertyValue("rrule");
  const recurrenceId = event.recurrenceId;
  const sequence = vevent.getFirstPropertyValue("sequence");
  return {
    uid: event.uid ?? null,
    sequence: sequence === null || sequence === undefined ? null : Number(sequence),
    summary: event.summary ?? null,
    status: vevent.getFirstPropertyValue("status") ?? null,
    location: event.location ?? null,
    description: event.description ?? null,
    start_utc: toUtc(start),
    end_utc: toUtc(end),
    start_tz: zoneName(start),
    end_tz: zoneName(end),
    all_day: start ? Boolean(start.isDate) : null,
    recurrence_id: recurrenceId ? toUtc(recurrenceId) : null,
    rrule: rrule ? rrule.toString() : null,
    organizer: person(vevent.getFirstProperty("organizer")),
    attendees: vevent.getAllProperties("attendee").map(person),
  };
}

function describe(text) {
  const jcal = ICAL.parse(text);
  if (!Array.isArray(jcal) || jcal.length === 0) throw new Error("no iCalendar component found");
  if (Array.isArray(jcal[0])) throw new Error(`${jcal.length} top-level components, expected one VCALENDAR`);
  const vcalendar = new ICAL.Component(jcal);
  if (vcalendar.name !== "vcalendar") throw new Error(`top-level component is ${vcalendar.name.toUpperCase()}, not VCALENDAR`);

  const timezones = [];
  for (const vtimezone of vcalendar.getAllSubcomponents("vtimezone")) {
    const tz = new ICAL.Timezone(vtimezone);
    ICAL.TimezoneService.register(tz);
    timezones.push(tz.tzid);
  }
  const warnings = [];
  const events = vcalendar.getAllSubcomponents("vevent").map((vevent) => describeEvent(vevent, warnings));
  return {
    method: vcalendar.getFirstPropertyValue("method") ?? null,
    calname: vcalendar.getFirstPropertyValue("x-wr-calname") ?? null,
    timezones,
    warnings,
    events,
  };
}

try {
  const result = describe(await readStdin());
  process.stdout.write(JSON.stringify(result) + "\n");
} catch (err) {
  process.stdout.write(JSON.stringify({ error: `${err.name}: ${err.message}` }) + "\n");
  process.exitCode = 1;
}
