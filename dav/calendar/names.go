package calendar

import (
	"hash/fnv"

	"groupd/groups"
)

// collName is a collection's DAV:displayname (RFC 4918 §15.2): the
// group's name for its events, with " · Tasks" for its tasks, so that a
// client listing both shows two names a person can tell apart. The
// server knows no user's language: the organisation's is used.
func collName(c *groups.Calendar, lang string) string {
	if c.Feature != groups.FeatureTask {
		return c.Name
	}
	if lang == "ko" {
		return c.Name + " · 할 일"
	}
	return c.Name + " · Tasks"
}

// collColor is a collection's default Apple calendar-color (#RRGGBBAA,
// as iCal, Thunderbird and DAVx5 read it): a stable hash of the group id
// picks a colour of the palette for the events, and the tasks take the
// one half the palette away, so that the two always differ.
func collColor(groupID, feature string) string {
	palette := [...]string{
		"#1A7F5AFF", "#2F6FB3FF", "#B3541EFF", "#7B4FA8FF", "#C2185BFF", "#00838FFF",
		"#8D6E27FF", "#3F7D20FF", "#5C6BC0FF", "#D84315FF", "#00796BFF", "#6D4C41FF",
	}
	h := fnv.New32a()
	h.Write([]byte(groupID))
	i := int(h.Sum32() % uint32(len(palette)))
	if feature == groups.FeatureTask {
		i = (i + len(palette)/2) % len(palette)
	}
	return palette[i]
}
