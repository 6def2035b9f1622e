package web

import (
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
)

// TestFolderMkdirRenameMoveDelete: a member makes a folder, renames a
// file, moves it into the folder and deletes the folder, each seen on the
// page and in the store; folders come first; the path shows as
// breadcrumbs; refusals come back as sentences beside their forms.
func TestFolderMkdirRenameMoveDelete(t *testing.T) {
	e := newFolderEnv(t)
	bob := e.signin(t, "bob@example.test", "password1")
	bob.upload(t, bob.uploadAction(t, "/g/team/folder"), "alpha.txt", strings.NewReader("a"))
	bob.get(t, "/g/team/folder")

	st, _, loc := bob.postForm(t, "/g/team/folder/mkdir", url.Values{"dir": {""}, "name": {"zeta"}})
	if st != http.StatusSeeOther || loc != "/g/team/folder?done=fmkdir" {
		t.Fatalf("mkdir: %d to %q", st, loc)
	}
	_, b := bob.get(t, loc)
	if i, j := strings.Index(b, ">zeta/<"), strings.Index(b, ">alpha.txt<"); !strings.Contains(text(b), "The folder was created.") || i < 0 || j < 0 || i > j {
		t.Fatalf("after mkdir, want the folder zeta listed before alpha.txt: %s", text(b))
	}

	refusals := []struct {
		path string
		form url.Values
		code int
		want string
	}{
		{"mkdir", url.Values{"name": {"a/b"}}, 422, "A name cannot contain a slash (/)."},
		{"mkdir", url.Values{"name": {".."}}, 422, "a path may not contain empty, . or .. segments"},
		{"mkdir", url.Values{"name": {"zeta"}}, 409, "zeta exists"},
		{"rename", url.Values{"path": {"alpha.txt"}, "name": {"zeta"}}, 409, "There is already something at zeta."},
		{"move", url.Values{"path": {"zeta"}, "to": {"/zeta"}}, 409, "a folder cannot be moved into itself"},
		{"move", url.Values{"path": {"alpha.txt"}, "to": {"/nowhere"}}, 409, "no such file or folder"},
		{"move", url.Values{"path": {"alpha.txt"}, "to": {""}}, 422, "Type the folder to move to; / is the top."},
	}
	for _, r := range refusals {
		r.form.Set("dir", "")
		st, b, _ := bob.postForm(t, "/g/team/folder/"+r.path, r.form)
		if st != r.code || !strings.Contains(text(b), r.want) {
			t.Fatalf("%s %v: %d, want %d and %q: %s", r.path, r.form, st, r.code, r.want, text(b))
		}
	}
	// What was typed in a refused form is kept in that form's field.
	_, b, _ = bob.postForm(t, "/g/team/folder/mkdir", url.Values{"name": {"x/y"}})
	if !strings.Contains(b, `name="name" value="x/y"`) {
		t.Fatalf("the refused name was not kept: %s", b)
	}
	_, b, _ = bob.postForm(t, "/g/team/folder/rename", url.Values{"path": {"alpha.txt"}, "name": {"p/q"}})
	if !strings.Contains(b, `<details open>`) || !strings.Contains(b, `name="name" value="p/q"`) || !strings.Contains(b, `name="to" list="folder-dirs" value=""`) {
		t.Fatalf("the refused rename was not kept in its own field: %s", b)
	}

	st, _, loc = bob.postForm(t, "/g/team/folder/rename", url.Values{"dir": {""}, "path": {"alpha.txt"}, "name": {"beta.txt"}})
	if st != http.StatusSeeOther || loc != "/g/team/folder?done=frenamed" {
		t.Fatalf("rename: %d to %q", st, loc)
	}
	st, _, loc = bob.postForm(t, "/g/team/folder/move", url.Values{"dir": {""}, "path": {"beta.txt"}, "to": {"/zeta"}})
	if st != http.StatusSeeOther || loc != "/g/team/folder?done=fmoved" {
		t.Fatalf("move: %d to %q", st, loc)
	}
	f := e.folderOf(t, "alice@example.test", "team")
	if got := readFile(t, f, "zeta/beta.txt"); string(got) != "a" {
		t.Fatalf("zeta/beta.txt holds %q", got)
	}
	_, b = bob.get(t, "/g/team/folder/zeta")
	if !strings.Contains(b, `<a href="/g/team/folder">Folder</a>`) || !strings.Contains(b, `<span aria-current="page">zeta</span>`) ||
		!strings.Contains(b, `href="/g/team/folder/zeta/beta.txt"`) {
		t.Fatalf("zeta's page lacks its breadcrumbs or its file: %s", b)
	}

	st, _, loc = bob.upload(t, bob.uploadAction(t, "/g/team/folder/zeta"), "c.txt", strings.NewReader("c"))
	if st != http.StatusSeeOther || loc != "/g/team/folder/zeta?done=uploaded" || string(readFile(t, f, "zeta/c.txt")) != "c" {
		t.Fatalf("upload into zeta: %d to %q", st, loc)
	}

	bob.get(t, "/g/team/folder")
	st, _, loc = bob.postForm(t, "/g/team/folder/delete", url.Values{"dir": {""}, "path": {"zeta"}})
	if st != http.StatusSeeOther || loc != "/g/team/folder?done=fdeleted" {
		t.Fatalf("delete: %d to %q", st, loc)
	}
	if list, err := f.List(context.Background(), ""); err != nil || len(list) != 0 {
		t.Fatalf("after delete the folder holds %d entries (%v)", len(list), err)
	}
	if _, b = bob.get(t, loc); !strings.Contains(text(b), "It was deleted.") || !strings.Contains(text(b), "This folder is empty.") {
		t.Fatalf("after delete: %s", text(b))
	}
}

// TestFolderStreamedUploadMemory: a 50 MiB upload goes to disk as it
// arrives. The bytes allocated by the whole process while it runs stay
// far below the file's size, and the store holds the same bytes.
func TestFolderStreamedUploadMemory(t *testing.T) {
	const size = 50 << 20
	e := newFolderEnv(t)
	bob := e.signin(t, "bob@example.test", "password1")
	action := bob.uploadAction(t, "/g/team/folder")
	sent := sha256.New()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	st, b, _ := bob.upload(t, action, "big.bin", io.TeeReader(io.LimitReader(pattern{}, size), sent))
	runtime.ReadMemStats(&after)
	if st != http.StatusSeeOther {
		t.Fatalf("50 MiB upload: %d %s", st, text(b))
	}
	t.Logf("allocated %d bytes, heap in use %+d", after.TotalAlloc-before.TotalAlloc, int64(after.HeapInuse)-int64(before.HeapInuse))
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/8 {
		t.Fatalf("a %d-byte upload allocated %d bytes: it was not streamed", size, alloc)
	}
	r, fi, err := e.folderOf(t, "alice@example.test", "team").Open(context.Background(), "big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	stored := sha256.New()
	io.Copy(stored, r)
	if fi.Size != size || string(stored.Sum(nil)) != string(sent.Sum(nil)) {
		t.Fatalf("stored %d bytes, not the ones sent", fi.Size)
	}
}

// pattern is an endless stream of bytes that allocates nothing.
type pattern struct{}

func (pattern) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i * 7)
	}
	return len(p), nil
}
