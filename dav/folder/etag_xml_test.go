package folder

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"groupd/internal/testkit"
)

var getetagRE = regexp.MustCompile(`<D:getetag>([^<]*)</D:getetag>`)

// TestGetetagPlainQuotes: DAV:getetag carries the entity-tag with plain
// '"' (XML 1.0 §2.4 allows it in text), not &#34;, so that a client that
// takes the text literally (npm webdav) sends back an If-Match that
// matches (RFC 4918 §15.6, RFC 9110 §13.1.1), for files and folders.
func TestGetetagPlainQuotes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.want(http.StatusCreated, "bob", "MKCOL", "/dav/files/team/d/", "", nil)
	e.put("bob", "/dav/files/team/d/a.txt", "first")
	named := `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`
	for _, body := range []string{propfindAll, named} {
		b := e.want(207, "bob", "PROPFIND", "/dav/files/team/d/", body, hdr{"Depth": "1"})
		if err := testkit.WellFormedXML([]byte(b)); err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, b)
		}
		mustNotContain(t, b, "&#34;", "&quot;")
		tags := getetagRE.FindAllStringSubmatch(b, -1)
		if len(tags) != 2 {
			t.Fatalf("want 2 getetags: %s", b)
		}
		for _, m := range tags {
			if len(m[1]) < 3 || !strings.HasPrefix(m[1], `"`) || !strings.HasSuffix(m[1], `"`) {
				t.Fatalf("getetag %q is not a quoted entity-tag", m[1])
			}
		}
	}
	b := e.want(207, "bob", "PROPFIND", "/dav/files/team/d/a.txt", named, hdr{"Depth": "0"})
	etag := getetagRE.FindStringSubmatch(b)[1]
	e.want(http.StatusNoContent, "bob", "PUT", "/dav/files/team/d/a.txt", "second", hdr{"If-Match": etag})
	e.want(http.StatusPreconditionFailed, "bob", "PUT", "/dav/files/team/d/a.txt", "third", hdr{"If-Match": etag})
}
