package folder

import (
	"net/http"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"groupd/internal/testkit"
)

// Issue 16 item 4: a name holding U+FFFE or U+FFFF (XML 1.0 §2.2 cannot
// carry them) is refused wherever a file or directory is named, and the
// folder's PROPFIND stays well-formed.
func TestXMLUncarriableNamesRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/ok", "x")
	for _, c := range []struct{ method, path string }{
		{"PUT", "/dav/files/team/a%EF%BF%BEb"},
		{"PUT", "/dav/files/team/a%EF%BF%BFb"},
		{"MKCOL", "/dav/files/team/d%EF%BF%BE/"},
	} {
		code, b, _ := e.do("bob", c.method, c.path, nil, nil)
		if code != http.StatusBadRequest && code != http.StatusForbidden || len(b) < 10 {
			t.Fatalf("%s %s: %d %q, want 400 or 403 with a sentence", c.method, c.path, code, b)
		}
	}
	for _, m := range []string{"MOVE", "COPY"} {
		code, b, _ := e.do("bob", m, "/dav/files/team/ok", nil, hdr{"Destination": "/dav/files/team/c%EF%BF%BE"})
		if code != http.StatusBadRequest && code != http.StatusForbidden {
			t.Fatalf("%s to a U+FFFE name: %d %q", m, code, b)
		}
	}
	b := e.want(207, "bob", "PROPFIND", "/dav/files/team/", propfindAll, hdr{"Depth": "1"})
	if err := testkit.WellFormedXML([]byte(b)); err != nil {
		t.Fatalf("PROPFIND not well-formed: %v\n%s", err, b)
	}
}

// A name stored before the check (written here in the database, as an
// older daemon did) is written as U+FFFD: the answer stays well-formed.
func TestPropfindEscapesStoredUncarriableName(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/legacy", "x")
	db := e.db.SQL(t)
	if _, err := db.Exec(e.db.Q(`UPDATE files SET path = ? WHERE path = 'legacy'`), "leg\uFFFEacy\x01"); err != nil {
		t.Fatal(err)
	}
	b := e.want(207, "bob", "PROPFIND", "/dav/files/team/", propfindAll, hdr{"Depth": "1"})
	if err := testkit.WellFormedXML([]byte(b)); err != nil {
		t.Fatalf("PROPFIND not well-formed: %v\n%s", err, b)
	}
	mustContain(t, b, "leg\uFFFDacy")
}
