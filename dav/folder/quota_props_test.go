package folder

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"groupd/groups"
	"groupd/internal/testkit"
)

// proppatchBig sets property x:p<i> of 60,000 bytes on path; it returns
// the status of the property in the 207 answer (or the HTTP status).
func (e *env) proppatchBig(path string, i int) (int, string) {
	e.t.Helper()
	body := `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:x="urn:x"><D:set><D:prop><x:p` +
		strconv.Itoa(i) + `>` + strings.Repeat("a", 60000) + `</x:p` + strconv.Itoa(i) + `></D:prop></D:set></D:propertyupdate>`
	code, b, _ := e.do("bob", "PROPPATCH", path, strings.NewReader(body), nil)
	if code != 207 {
		return code, b
	}
	if err := testkit.WellFormedXML([]byte(b)); err != nil {
		e.t.Fatalf("PROPPATCH answer: %v\n%s", err, b)
	}
	m := regexp.MustCompile(`HTTP/1.1 (\d+)`).FindStringSubmatch(b)
	if m == nil {
		e.t.Fatalf("no status in %s", b)
	}
	n, _ := strconv.Atoi(m[1])
	return n, b
}

// Issue 16 item 11: 3 empty files × 96 properties × 60 KB added 22 MB to
// the database while the quota's "used" stayed low. An entry holds at
// most 64 KiB of properties (507 with a sentence), and what is stored,
// properties and entries, counts toward the quota (507 with
// DAV:quota-not-exceeded, RFC 4331 §6).
func TestDeadPropertiesCountAndAreBounded(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{DefaultQuota: 150000})
	for f := range 3 {
		path := fmt.Sprintf("/dav/files/team/empty%d", f)
		e.put("bob", path, "")
		accepted := 0
		for i := range 96 {
			code, b := e.proppatchBig(path, i)
			if code == http.StatusOK {
				accepted++
				continue
			}
			if code != 507 || !strings.Contains(b, "responsedescription") {
				t.Fatalf("%s property %d: %d, want 507 with a sentence:\n%.600s", path, i, code, b)
			}
			if f == 2 && !strings.Contains(b, "quota-not-exceeded") {
				t.Fatalf("%s property %d over the quota without DAV:quota-not-exceeded:\n%.600s", path, i, b)
			}
		}
		if want := map[bool]int{true: 0, false: 1}[f == 2]; accepted != want {
			t.Fatalf("%s: %d properties of 60 KB accepted, want %d", path, accepted, want)
		}
	}
	b := e.want(207, "bob", "PROPFIND", "/dav/files/team/", quotaProps, hdr{"Depth": "0"})
	m := regexp.MustCompile(`<D:quota-used-bytes>(\d+)</D:quota-used-bytes>`).FindStringSubmatch(b)
	if m == nil {
		t.Fatal(b)
	}
	used, _ := strconv.Atoi(m[1])
	if min := 2*60000 + 3*groups.FolderEntryBytes; used < min || used > 150000 {
		t.Fatalf("quota used %d, want what is stored: %d to 150000", used, min)
	}
	b = e.want(207, "bob", "PROPFIND", "/dav/files/team/", propfindAll, hdr{"Depth": "1"})
	if err := testkit.WellFormedXML([]byte(b)); err != nil {
		t.Fatal(err)
	}
	if len(b) > 200<<10 {
		t.Fatalf("folder PROPFIND of %d bytes", len(b))
	}
}

// Many small properties: at most MaxDeadProps per entry.
func TestDeadPropertiesPerEntryCount(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.put("bob", "/dav/files/team/f", "")
	var props strings.Builder
	for i := range groups.MaxDeadProps + 1 {
		fmt.Fprintf(&props, "<x:q%d>v</x:q%d>", i, i)
	}
	body := `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:x="urn:x"><D:set><D:prop>` +
		props.String() + `</D:prop></D:set></D:propertyupdate>`
	b := e.want(207, "bob", "PROPPATCH", "/dav/files/team/f", body, nil)
	mustContain(t, b, "507", "at most 64 properties")
	if err := testkit.WellFormedXML([]byte(b)); err != nil {
		t.Fatal(err)
	}
}
