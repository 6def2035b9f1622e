package folder

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"groupd/internal/testkit"
)

// A file PUT through one Store (one node) is served by a second Store on
// the same database with the same bytes and ETag, whole and by range:
// with the postgres BlobStore nothing of it is on the first node's disk
// that the second needs.
func TestPutOnOneStoreGetOnAnother(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	other := openStore(t, e.db)
	defer other.Close()
	h, err := New(Options{Store: other, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	body := make([]byte, 5<<20+3) // across chunk boundaries
	for i := range body {
		body[i] = byte(i * 7 / 3)
	}
	code, b, hd := e.do("bob", "PUT", "/dav/files/team/big.bin", bytes.NewReader(body), nil)
	if code != http.StatusCreated {
		t.Fatalf("PUT: %d %s", code, b)
	}
	etag := hd.Get("ETag")
	code, got, gh := testkit.Request(t, "GET", srv.URL+"/dav/files/team/big.bin", testkit.Email("alice"), pw, nil, nil)
	if code != http.StatusOK || got != string(body) || (etag != "" && gh.Get("ETag") != etag) {
		t.Fatalf("GET on the other store: %d, %d bytes, same bytes %v, ETag %q want %q",
			code, len(got), got == string(body), gh.Get("ETag"), etag)
	}
	from := 1<<20 - 5
	code, got, _ = testkit.Request(t, "GET", srv.URL+"/dav/files/team/big.bin", testkit.Email("alice"), pw, nil,
		map[string]string{"Range": fmt.Sprintf("bytes=%d-%d", from, from+9)})
	if code != http.StatusPartialContent || got != string(body[from:from+10]) {
		t.Fatalf("range GET on the other store: %d %q", code, got)
	}
}
