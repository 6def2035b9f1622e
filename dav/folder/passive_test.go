package folder

import (
	"net/http"
	"strings"
	"testing"
)

// TestFilesServedPassive (issue 16 item 3): an uploaded HTML or SVG file
// comes back as an attachment inside a CSP sandbox, never as a page of
// the daemon's origin; passive types stay inline; every answer, file or
// not, carries nosniff.
func TestFilesServedPassive(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	script := `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`
	cases := []struct{ name, disposition string }{
		{"page.html", "attachment"}, {"x.svg", "attachment"}, {"a.xml", "attachment"},
		{"a.js", "attachment"}, {"noext", "attachment"}, {"a.txt", "inline"}, {"a.png", "inline"},
	}
	for _, c := range cases {
		e.put("bob", "/dav/files/team/"+c.name, script)
		for _, method := range []string{"GET", "HEAD"} {
			code, _, h := e.do("bob", method, "/dav/files/team/"+c.name, nil, nil)
			if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Disposition"), c.disposition+`; filename="`+c.name+`"`) ||
				h.Get("Content-Security-Policy") != "sandbox; default-src 'none'" || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s %s: %d, want Content-Disposition %q, the sandbox and nosniff: %v", method, c.name, code, c.disposition, h)
			}
		}
	}
	for _, r := range []struct{ user, method string }{{"bob", "PROPFIND"}, {"", "GET"}, {"bob", "OPTIONS"}, {"bob", "MKCOL"}} {
		if _, _, h := e.do(r.user, r.method, "/dav/files/team/", nil, hdr{"Depth": "1"}); h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s as %q: no nosniff: %v", r.method, r.user, h)
		}
	}
}
