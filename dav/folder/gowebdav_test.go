package folder

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-webdav"
)

// TestGoWebDAVClient drives the folder with go-webdav's client: what a
// program using that library sees.
func TestGoWebDAVClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	ctx := context.Background()
	c, err := webdav.NewClient(webdav.HTTPClientWithBasicAuth(http.DefaultClient, "bob@example.test", pw), e.srv.URL+"/dav/files/")
	if err != nil {
		t.Fatal(err)
	}
	top, err := c.ReadDir(ctx, ".", false)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fi := range top {
		names = append(names, fi.Path)
	}
	if !slices.Contains(names, "/dav/files/team/") || !slices.Contains(names, "/dav/files/hidden/") {
		t.Fatalf("groups listed: %v", names)
	}
	if err := c.Mkdir(ctx, "team/docs"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Create(ctx, "team/docs/notes.md")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "# notes\n")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Copy(ctx, "team/docs", "team/copy", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Move(ctx, "team/copy/notes.md", "team/moved.md", nil); err != nil {
		t.Fatal(err)
	}
	fi, err := c.Stat(ctx, "team/moved.md")
	if err != nil || fi.Size != 8 || fi.IsDir || fi.ETag == "" || fi.MIMEType != "text/markdown; charset=utf-8" {
		t.Fatalf("stat: %+v %v", fi, err)
	}
	r, err := c.Open(ctx, "team/moved.md")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "# notes\n" {
		t.Fatalf("read back %q", b)
	}
	if err := c.RemoveAll(ctx, "team/docs"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Stat(ctx, "team/docs/notes.md"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("removed, yet: %v", err)
	}
	if _, err := c.ReadDir(ctx, "team", true); err == nil {
		t.Fatal("Depth: infinity was answered")
	}
}
