package webdav

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"groupd/config"
	"groupd/groups"
)

const quotaProps = `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:quota-used-bytes/><D:quota-available-bytes/></D:prop></D:propfind>`

// quota reads the group folder's RFC 4331 properties as bob sees them.
func (e *env) quota(group string) string {
	e.t.Helper()
	return e.want(207, "bob", "PROPFIND", "/dav/files/"+group+"/", quotaProps, hdr{"Depth": "0"})
}

// diskFiles lists the blobs (files in data_dir/blobs, or the rows of the
// postgres BlobStore) and the upload temporaries under data_dir.
func (e *env) diskFiles() (blobs, uploads []string) {
	e.t.Helper()
	dir := filepath.Join(e.d.Config.DataDir, "blobs")
	uploads, _ = filepath.Glob(filepath.Join(dir, ".uploads", "put-*"))
	mine, _ := filepath.Glob(filepath.Join(dir, ".uploads", "*", "put-*")) // PostgreSQL: per node
	uploads = append(uploads, mine...)
	if e.d.Config.Database.BlobStore() == config.BlobsPostgres {
		return e.pgBlobs(), uploads
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, d := range ents {
		if d.Type().IsRegular() {
			blobs = append(blobs, d.Name())
		}
	}
	return blobs, uploads
}

// pgBlobs lists the blobs of the postgres BlobStore.
func (e *env) pgBlobs() []string {
	e.t.Helper()
	rows, err := e.d.DB.SQL(e.t).Query(`SELECT name FROM blobs ORDER BY name`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

// setQuota sets a group's own quota as the administrator does, through
// PUT /api/v1/groups/{id}/quota, and returns what the API answered.
func (e *env) setQuota(group string, bytes int64) string {
	e.t.Helper()
	code, body := e.d.API(e.t, "PUT", "/api/v1/groups/"+group+"/quota", "", map[string]int64{"bytes": bytes})
	if code != 200 {
		e.t.Fatalf("PUT quota of %s: %d %s", group, code, body)
	}
	return string(body)
}

// TestQuota: with dav.folder_quota at 1 MiB a PUT that would exceed it
// answers 507 Insufficient Storage, whether its length is announced or
// not, and leaves nothing behind (no entry, no blob, no temporary file,
// the previous version of a replaced file); the quota properties tell the
// truth; an administrator's per-group quota lifts the limit for that
// group only.
func TestQuota(t *testing.T) {
	e := start(t, func(c *config.Config) { c.DAV.FolderQuota = 1 << 20 })
	mustContain(t, e.quota("team"), "<D:quota-used-bytes>0</D:quota-used-bytes>",
		"<D:quota-available-bytes>1048576</D:quota-available-bytes>")
	first := strings.Repeat("a", 600<<10)
	e.put("bob", "/dav/files/team/a.bin", first)
	blobs, _ := e.diskFiles()

	// Announced length: refused before the body is read.
	e.want(507, "bob", "PUT", "/dav/files/team/b.bin", strings.Repeat("b", 600<<10), nil)
	// Unannounced length (chunked): stopped once it goes over.
	code := e.chunkedPut("/dav/files/team/c.bin", strings.Repeat("c", 600<<10))
	if code != 507 {
		t.Fatalf("chunked PUT over the quota: %d, want 507", code)
	}
	// Replacing a file over the quota keeps the previous version.
	if code := e.chunkedPut("/dav/files/team/a.bin", strings.Repeat("d", 2<<20)); code != 507 {
		t.Fatalf("replacing over the quota: %d, want 507", code)
	}
	for _, p := range []string{"b.bin", "c.bin"} {
		e.want(404, "bob", "GET", "/dav/files/team/"+p, "", nil)
	}
	if got := e.get("alice", "/dav/files/team/a.bin"); got != first {
		t.Fatalf("the previous version is gone: %d bytes", len(got))
	}
	after, uploads := e.diskFiles()
	if len(after) != len(blobs) || len(uploads) != 0 {
		t.Fatalf("left behind: blobs %v (before %v), uploads %v", after, blobs, uploads)
	}
	// The entry counts too (groups.FolderEntryBytes).
	const used = 600<<10 + groups.FolderEntryBytes
	mustContain(t, e.quota("team"), fmt.Sprintf("<D:quota-used-bytes>%d</D:quota-used-bytes>", used),
		fmt.Sprintf("<D:quota-available-bytes>%d</D:quota-available-bytes>", 1<<20-used))

	// A member may read the quota but not set it.
	if code, body := e.d.API(t, "GET", "/api/v1/groups/team/quota", "bob@example.test", nil); code != 200 ||
		!strings.Contains(string(body), fmt.Sprintf(`"bytes":0,"default":1048576,"effective":1048576,"used":%d`, used)) {
		t.Fatalf("GET quota as a member: %d %s", code, body)
	}
	if code, body := e.d.API(t, "PUT", "/api/v1/groups/team/quota", "alice@example.test", map[string]int64{"bytes": 1 << 30}); code != 403 {
		t.Fatalf("a master set the quota: %d %s", code, body)
	}
	if code, _ := e.d.API(t, "PUT", "/api/v1/groups/team/quota", "", map[string]int64{"bytes": -1}); code != 422 {
		t.Fatalf("a negative quota: %d, want 422", code)
	}
	// The administrator gives team 4 MiB; hidden keeps the default.
	if got := e.setQuota("team", 4<<20); !strings.Contains(got, `"bytes":4194304,"default":1048576,"effective":4194304`) {
		t.Fatalf("PUT quota answered %s", got)
	}
	e.put("bob", "/dav/files/team/b.bin", strings.Repeat("b", 600<<10))
	mustContain(t, e.quota("team"), fmt.Sprintf("<D:quota-available-bytes>%d</D:quota-available-bytes>", 4<<20-2*used))
	mustContain(t, e.quota("hidden"), "<D:quota-available-bytes>1048576</D:quota-available-bytes>")
	e.want(507, "bob", "PUT", "/dav/files/hidden/b.bin", strings.Repeat("b", 2<<20), nil)
}

// chunkedPut sends a PUT as bob without a Content-Length.
func (e *env) chunkedPut(path, body string) int {
	e.t.Helper()
	req, err := http.NewRequest("PUT", e.url(path), io.MultiReader(strings.NewReader(body)))
	if err != nil {
		e.t.Fatal(err)
	}
	req.SetBasicAuth("bob@example.test", pw)
	req.ContentLength = -1
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
