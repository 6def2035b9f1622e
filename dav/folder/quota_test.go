package folder

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

const quotaProps = `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:quota-used-bytes/><D:quota-available-bytes/></D:prop></D:propfind>`

func TestQuota(t *testing.T) {
	t.Parallel()
	const entry = groups.FolderEntryBytes // each entry counts too
	e := newEnv(t, Options{DefaultQuota: 100 + entry})
	e.put("bob", "/dav/files/team/a", strings.Repeat("a", 60))
	b := e.want(207, "bob", "PROPFIND", "/dav/files/team/", quotaProps, hdr{"Depth": "0"})
	mustContain(t, b, fmt.Sprintf("<D:quota-used-bytes>%d</D:quota-used-bytes>", 60+entry), "<D:quota-available-bytes>40</D:quota-available-bytes>")
	b = e.want(207, "bob", "PROPFIND", "/dav/files/team/", propfindAll, hdr{"Depth": "0"})
	mustNotContain(t, b, "quota-used-bytes") // RFC 4331 §3: not in allprop

	// Known length: refused before the body is read.
	e.want(507, "bob", "PUT", "/dav/files/team/b", strings.Repeat("b", 41), nil)
	// Replacing a file counts only the difference.
	e.put("bob", "/dav/files/team/a", strings.Repeat("c", 100))
	e.want(507, "bob", "PUT", "/dav/files/team/b", "b", nil)
	// Unknown length (chunked): stopped when it goes over; nothing changes.
	e.put("bob", "/dav/files/team/a", strings.Repeat("d", 50))
	req, _ := http.NewRequest("PUT", e.srv.URL+"/dav/files/team/a", io.MultiReader(strings.NewReader(strings.Repeat("e", 150))))
	req.SetBasicAuth("bob@example.test", pw)
	req.ContentLength = -1
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 507 {
		t.Fatalf("chunked PUT over quota: %d", resp.StatusCode)
	}
	if got := e.get("bob", "/dav/files/team/a"); got != strings.Repeat("d", 50) {
		t.Fatalf("the previous version is gone: %q", got)
	}
	// Finder's chunked PUT announces its size.
	req, _ = http.NewRequest("PUT", e.srv.URL+"/dav/files/team/f", neverRead{t})
	req.SetBasicAuth("bob@example.test", pw)
	req.ContentLength = -1
	req.Header.Set("X-Expected-Entity-Length", "1000")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 507 {
		t.Fatalf("Finder PUT over quota: %d", resp.StatusCode)
	}
	// COPY counts too.
	e.want(507, "bob", "COPY", "/dav/files/team/a", "", hdr{"Destination": "/dav/files/team/a2"})

	// The administrator raises the quota.
	if err := e.store.SetFolderQuota(context.Background(), groups.Actor{Email: "alice@example.test"}, "team", 1000); err == nil {
		t.Fatal("a master set a quota")
	}
	if err := e.store.SetFolderQuota(context.Background(), groups.AdminActor(), "team", 1000+2*entry); err != nil {
		t.Fatal(err)
	}
	e.put("bob", "/dav/files/team/b", strings.Repeat("b", 500))
	b = e.want(207, "bob", "PROPFIND", "/dav/files/team/", quotaProps, hdr{"Depth": "0"})
	mustContain(t, b, fmt.Sprintf("<D:quota-used-bytes>%d</D:quota-used-bytes>", 550+2*entry), "<D:quota-available-bytes>450</D:quota-available-bytes>")
}

// neverRead is a body that never yields a byte: after 2 s it fails, which
// aborts the request. A 507 means the answer came before the body.
type neverRead struct{ t *testing.T }

func (n neverRead) Read(p []byte) (int, error) {
	time.Sleep(2 * time.Second)
	return 0, io.ErrUnexpectedEOF
}

// A COPY or MOVE that fails leaves the destination as it was.
func TestFailedCopyKeepsDestination(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{DefaultQuota: 100 + 2*groups.FolderEntryBytes})
	e.put("bob", "/dav/files/team/big", strings.Repeat("b", 60))
	e.put("bob", "/dav/files/team/small", "small")
	e.want(507, "bob", "COPY", "/dav/files/team/big", "", hdr{"Destination": "/dav/files/team/small"})
	if got := e.get("bob", "/dav/files/team/small"); got != "small" {
		t.Fatalf("destination after a failed COPY: %q", got)
	}
	// Across groups, the destination group's quota counts.
	if err := e.store.SetFolderQuota(context.Background(), groups.AdminActor(), "hidden", 10+groups.FolderEntryBytes); err != nil {
		t.Fatal(err)
	}
	e.put("bob", "/dav/files/hidden/small", "hidden")
	e.want(507, "bob", "MOVE", "/dav/files/team/big", "", hdr{"Destination": "/dav/files/hidden/small"})
	if got := e.get("bob", "/dav/files/hidden/small"); got != "hidden" {
		t.Fatalf("destination after a failed MOVE: %q", got)
	}
	if got := e.get("bob", "/dav/files/team/big"); len(got) != 60 {
		t.Fatalf("source after a failed MOVE: %d bytes", len(got))
	}
	e.want(http.StatusNoContent, "bob", "MOVE", "/dav/files/team/small", "", hdr{"Destination": "/dav/files/hidden/small"})
	if got := e.get("bob", "/dav/files/hidden/small"); got != "small" {
		t.Fatalf("after MOVE: %q", got)
	}
}
