package calendar

import (
	"net/url"
	"strings"

	"groupd/groups"
)

// kind is what a path under the prefix names (SPEC §3 layout).
type kind int

const (
	kRoot       kind = iota // /dav/
	kPrincipals             // /dav/principals/
	kPrincipal              // /dav/principals/<email>/
	kHome                   // /dav/calendars/ (calendar-home-set)
	kGroup                  // /dav/calendars/<group-id>/
	kCollection             // /dav/calendars/<group-id>/events/ or tasks/
	kObject                 // /dav/calendars/<group-id>/events/<name>
)

// target is a parsed request path.
type target struct {
	kind    kind
	email   string // kPrincipal
	group   string // kGroup and below
	feature string // kCollection, kObject: groups.FeatureEvent or FeatureTask
	name    string // kObject
}

// collSegment maps the collection's path segment to its feature.
var collSegment = map[string]string{"events": groups.FeatureEvent, "tasks": groups.FeatureTask}

func segmentOf(feature string) string {
	if feature == groups.FeatureTask {
		return "tasks"
	}
	return "events"
}

// checkRawPath refuses encoded slashes and backslashes, which would let a
// segment smuggle a separator, empty segments ("//") and the dot segments
// of RFC 3986 §3.3. (The daemon hands /dav/ paths over as sent, not
// cleaned.)
func checkRawPath(u *url.URL) bool {
	if raw := u.EscapedPath(); strings.IndexByte(raw, '%') >= 0 {
		raw = strings.ToLower(raw)
		if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") || strings.Contains(raw, "%00") {
			return false
		}
	}
	return checkSegments(u.Path)
}

// checkSegments refuses empty and dot segments and backslashes or NULs
// in a decoded path.
func checkSegments(p string) bool {
	if strings.Contains(p, "//") || strings.ContainsAny(p, "\\\x00") {
		return false
	}
	for rest := p; rest != ""; {
		var seg string
		seg, rest, _ = strings.Cut(rest, "/")
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// parse maps a path (already checked by checkRawPath) to a target; ok is
// false for paths that name nothing of ours.
func parsePath(prefix, p string) (target, bool) {
	rest, found := strings.CutPrefix(p, prefix)
	if !found || (rest != "" && rest[0] != '/') {
		return target{}, false
	}
	trailing := strings.HasSuffix(rest, "/")
	var buf [4]string // no path of ours has more segments
	segs := buf[:0]
	for s := range strings.SplitSeq(rest, "/") {
		if s == "" {
			continue
		}
		if len(segs) == len(buf) {
			return target{}, false
		}
		segs = append(segs, s)
	}
	switch {
	case len(segs) == 0:
		return target{kind: kRoot}, true
	case segs[0] == "principals" && len(segs) == 1:
		return target{kind: kPrincipals}, true
	case segs[0] == "principals" && len(segs) == 2:
		return target{kind: kPrincipal, email: strings.ToLower(segs[1])}, true
	case segs[0] != "calendars" || len(segs) > 4:
		return target{}, false
	case len(segs) == 1:
		return target{kind: kHome}, true
	case len(segs) == 2:
		return target{kind: kGroup, group: segs[1]}, true
	}
	f, ok := collSegment[segs[2]]
	if !ok {
		return target{}, false
	}
	if len(segs) == 3 {
		return target{kind: kCollection, group: segs[1], feature: f}, true
	}
	if trailing || groups.CheckCalName(segs[3]) != nil {
		return target{}, false
	}
	return target{kind: kObject, group: segs[1], feature: f, name: segs[3]}, true
}

// Paths of the layout, unescaped, collections with a trailing slash.
func (h *handler) principalPath(email string) string { return h.prefix + "/principals/" + email + "/" }
func (h *handler) homePath() string                  { return h.prefix + "/calendars/" }
func (h *handler) groupPath(id string) string        { return h.prefix + "/calendars/" + id + "/" }
func (h *handler) collPath(id, feature string) string {
	return h.prefix + "/calendars/" + id + "/" + segmentOf(feature) + "/"
}
func (h *handler) objPath(id, feature, name string) string { return h.collPath(id, feature) + name }

// hrefOf escapes an unescaped path for an href element.
func hrefOf(p string) string { return (&url.URL{Path: p}).EscapedPath() }
