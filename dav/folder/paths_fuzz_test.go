package folder

import (
	"bytes"
	"errors"
	"net/url"
	"strings"
	"testing"

	"groupd/groups"
)

// FuzzCleanURLPath feeds request paths to the WebDAV path check.
// Properties: no panic; a refusal is an errPath with a 4xx code and a
// sentence; an accepted name is "/" or "/<group>/<path>" where the path
// passes the model's check, with no empty, "." or ".." segment.
func FuzzCleanURLPath(f *testing.F) {
	for _, s := range []string{"/dav/files", "/dav/files/", "/dav/files/team/a/b.txt", "/dav/files/team/../x",
		"/dav/files/team/%2e%2e/x", "/dav/files/team/a%2fb", "/dav/files/team/a%00b", "/dav/files//team//a",
		"/dav/filesx/team", "/dav/files/team/caf%C3%A9", "/dav/files/team/%ff", "/other"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		name, err := cleanURLPath(u, "/dav/files")
		if err != nil {
			var pe *errPath
			if !errors.As(err, &pe) || pe.code < 400 || pe.code > 499 || len(pe.msg) < 8 {
				t.Fatalf("%q: refusal %#v", raw, err)
			}
			return
		}
		if name == "/" {
			return
		}
		if !strings.HasPrefix(name, "/") || strings.Contains(name, "//") || strings.HasSuffix(name, "/") {
			t.Fatalf("%q: name %q", raw, name)
		}
		gid, p := split(name)
		if gid == "" || groups.CheckFilePath(strings.TrimPrefix(name, "/")) != nil {
			t.Fatalf("%q: name %q (group %q, path %q) is not clean", raw, name, gid, p)
		}
		for _, seg := range strings.Split(name[1:], "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("%q: name %q keeps a dot segment", raw, name)
			}
		}
	})
}

// FuzzIfHeader feeds If: headers (RFC 4918 §10.4) to the token reader
// and the tag rewriter: no panic; a token is text that stood between < and
// > inside a list; rewriting tags only ever inserts the origin.
func FuzzIfHeader(f *testing.F) {
	for _, s := range []string{"(<opaquelocktoken:a>)", "</dav/files/t/x> (<urn:uuid:b> [\"etag\"])", "(Not <urn:x>)",
		"(<a", "[<x>] (<y>)", "))(<z>)", "<", "(["} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		for tok := range ifTokens(h) {
			if strings.Contains(tok, ">") || !strings.Contains(h, "<"+tok+">") {
				t.Fatalf("token %q is not from %q", tok, h)
			}
		}
		out := absoluteTags(h, "example.test")
		if strings.ReplaceAll(out, "<http://example.test/", "</") != h && !strings.Contains(h, "<http://example.test/") {
			t.Fatalf("absoluteTags(%q) = %q", h, out)
		}
	})
}

// FuzzPropfind feeds PROPFIND bodies (RFC 4918 §9.1, §14.20) to the
// parser that decides whether this package answers itself. Properties: no
// panic; an empty body is allprop; a list it answers is not empty.
func FuzzPropfind(f *testing.F) {
	for _, s := range []string{"", " \n", `<?xml version="1.0"?><propfind xmlns="DAV:"><allprop/></propfind>`,
		`<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><x:y xmlns:x="urn:x"/></d:prop></d:propfind>`,
		`<propfind xmlns="DAV:"><propname/></propfind>`, `<propfind xmlns="DAV:"><prop></prop></propfind>`,
		`<propfind xmlns="DAV:"><allprop/><include><x/></include></propfind>`, `<propfind`, `<!DOCTYPE x [<!ENTITY a "aaaa">]><propfind xmlns="DAV:"><prop>&a;</prop></propfind>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		names, all, ok := parsePropfind(body)
		if len(bytes.TrimSpace(body)) == 0 && !(ok && all) {
			t.Fatalf("empty body is not allprop")
		}
		if ok && !all && len(names) == 0 {
			t.Fatalf("%q: answered with no property names", body)
		}
		if all && len(names) > 0 {
			t.Fatalf("%q: allprop with names %v", body, names)
		}
	})
}
