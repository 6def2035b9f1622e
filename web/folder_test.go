package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"groupd/groups"
)

// newFolderEnv is a console with the group "team" (folder on): alice is
// its master, bob a member, eve an outsider. mod may change the options.
func newFolderEnv(t *testing.T, mod ...func(*Options)) *testEnv {
	t.Helper()
	e := newTestEnv(t, mod...)
	id, name, on := "team", "Team", true
	e.group(t, "alice@example.test", groups.GroupSpec{ID: &id, Name: &name,
		Members: []string{"bob@example.test"}, Features: &groups.FeatureSpec{Folder: &on}})
	return e
}

// folderOf opens the group's folder for who, as the WebDAV handler does.
func (e *testEnv) folderOf(t *testing.T, who, group string) *groups.Folder {
	t.Helper()
	f, err := e.store.OpenFolder(context.Background(), groups.Actor{Email: who}, group, e.quota())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (e *testEnv) quota() int64 {
	if e.opts.DefaultFolderQuota > 0 {
		return e.opts.DefaultFolderQuota
	}
	return 10 << 30
}

// readFile reads a stored file's bytes through the store's folder API.
func readFile(t *testing.T, f *groups.Folder, p string) []byte {
	t.Helper()
	r, _, err := f.Open(context.Background(), p)
	if err != nil {
		t.Fatalf("open %s: %v", p, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var uploadActionRE = regexp.MustCompile(`<form method="post" enctype="multipart/form-data" class="upload" action="([^"]+)"`)

// uploadAction is the upload form's action on the folder page at path,
// as the browser would post to it.
func (cl *client) uploadAction(t *testing.T, path string) string {
	t.Helper()
	st, body := cl.get(t, path)
	m := uploadActionRE.FindStringSubmatch(body)
	if st != http.StatusOK || m == nil {
		t.Fatalf("no upload form on %s: %d %s", path, st, text(body))
	}
	return html.UnescapeString(m[1])
}

// upload posts one file to action as the form does: multipart/form-data,
// the body streamed from content (never built in memory).
func (cl *client) upload(t *testing.T, action, name string, content io.Reader) (int, string, string) {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, err := mw.CreateFormFile("file", name)
		if err == nil {
			_, err = io.Copy(fw, content)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", cl.e.srv.URL+action, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", cl.e.srv.URL)
	return cl.do(t, req)
}

// TestFolderUploadAndDownload: a member uploads through the page's form;
// WebDAV's view of the folder (the store's folder API) has the very
// bytes; the page lists the file with the quota used; the console serves
// it back with its length and the headers that keep it passive.
func TestFolderUploadAndDownload(t *testing.T) {
	e := newFolderEnv(t)
	bob := e.signin(t, "bob@example.test", "password1")
	if _, b := bob.get(t, "/g/team"); !strings.Contains(b, `href="/g/team/folder"`) {
		t.Fatalf("no Folder tab on the group page: %s", text(b))
	}
	content := "quarterly figures\nline two\n"
	st, b, loc := bob.upload(t, bob.uploadAction(t, "/g/team/folder"), "report.txt", strings.NewReader(content))
	if st != http.StatusSeeOther || loc != "/g/team/folder?done=uploaded" {
		t.Fatalf("upload: %d to %q: %s", st, loc, text(b))
	}
	if got := readFile(t, e.folderOf(t, "alice@example.test", "team"), "report.txt"); string(got) != content {
		t.Fatalf("the store holds %q, want %q", got, content)
	}
	_, b = bob.get(t, loc)
	for _, want := range []string{"The file was uploaded.", "report.txt", "27 B", "283 B used of 10.0 GiB · 10.0 GiB left"} { // the entry counts too (groups.FolderEntryBytes)
		if !strings.Contains(text(b), want) {
			t.Fatalf("folder page lacks %q: %s", want, text(b))
		}
	}

	resp := bob.raw(t, "/g/team/folder/report.txt")
	body, _ := io.ReadAll(resp.Body)
	h := resp.Header
	if resp.StatusCode != 200 || string(body) != content || h.Get("Content-Length") != "27" ||
		h.Get("Content-Type") != "text/plain; charset=utf-8" ||
		h.Get("Content-Disposition") != `inline; filename="report.txt"; filename*=UTF-8''report.txt` {
		t.Fatalf("download: %d %q %v", resp.StatusCode, body, h)
	}
	wantPassive(t, h)
	resp = bob.raw(t, "/g/team/folder/report.txt?download=1")
	if d := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(d, "attachment;") {
		t.Fatalf("?download=1 gave Content-Disposition %q", d)
	}

	// A name with the URL's own characters links to itself.
	odd := "50% a?b #1.txt"
	bob.upload(t, bob.uploadAction(t, "/g/team/folder"), odd, strings.NewReader("odd"))
	_, b = bob.get(t, "/g/team/folder")
	m := regexp.MustCompile(`<a class="file" href="([^"]+)">` + regexp.QuoteMeta(html.EscapeString(odd)) + `</a>`).FindStringSubmatch(b)
	if m == nil {
		t.Fatalf("no link to %q: %s", odd, b)
	}
	if resp := bob.raw(t, html.UnescapeString(m[1])); resp.StatusCode != 200 {
		t.Fatalf("the link %s to %q answers %d", m[1], odd, resp.StatusCode)
	} else if got, _ := io.ReadAll(resp.Body); string(got) != "odd" {
		t.Fatalf("the link %s serves %q", m[1], got)
	}
}

// raw sends a GET and returns the response with its headers, its body
// left to read.
func (cl *client) raw(t *testing.T, path string) *http.Response {
	t.Helper()
	resp, err := cl.http.Get(cl.e.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// wantPassive: the headers of every file answer (issue 16 item 3).
func wantPassive(t *testing.T, h http.Header) {
	t.Helper()
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") != "sandbox; default-src 'none'" {
		t.Fatalf("file served without nosniff or the sandbox: %v", h)
	}
}

// TestFolderActiveContentIsAttachment: HTML, SVG, XML and JavaScript are
// never shown inline on the console's origin, whatever their name; a
// name outside ASCII travels as RFC 8187's ext-value.
func TestFolderActiveContentIsAttachment(t *testing.T) {
	e := newFolderEnv(t)
	bob := e.signin(t, "bob@example.test", "password1")
	action := bob.uploadAction(t, "/g/team/folder")
	cases := map[string]string{
		"보고서.html": `attachment; filename="___.html"; filename*=UTF-8''%EB%B3%B4%EA%B3%A0%EC%84%9C.html`,
		"x.svg":    `attachment; filename="x.svg"; filename*=UTF-8''x.svg`,
		"a.xml":    `attachment; filename="a.xml"; filename*=UTF-8''a.xml`,
		"a.js":     `attachment; filename="a.js"; filename*=UTF-8''a.js`,
		"a.pdf":    `attachment; filename="a.pdf"; filename*=UTF-8''a.pdf`,
		"noext":    `attachment; filename="noext"; filename*=UTF-8''noext`,
	}
	for name, want := range cases {
		payload := `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>`
		if st, b, _ := bob.upload(t, action, name, strings.NewReader(payload)); st != http.StatusSeeOther {
			t.Fatalf("upload %s: %d %s", name, st, text(b))
		}
		resp := bob.raw(t, "/g/team/folder/"+url.PathEscape(name))
		if got := resp.Header.Get("Content-Disposition"); resp.StatusCode != 200 || got != want {
			t.Errorf("%s: %d Content-Disposition %q, want %q", name, resp.StatusCode, got, want)
		}
		wantPassive(t, resp.Header)
	}
}

// TestFolderUploadNeedsToken: an upload without the CSRF token is
// refused with 403 before a byte is stored.
func TestFolderUploadNeedsToken(t *testing.T) {
	e := newFolderEnv(t)
	bob := e.signin(t, "bob@example.test", "password1")
	for _, action := range []string{"/g/team/folder/upload?dir=", "/g/team/folder/upload?_csrf=forged&dir="} {
		st, b, _ := bob.upload(t, action, "evil.txt", strings.NewReader("x"))
		if st != http.StatusForbidden || !strings.Contains(text(b), "This form has expired") {
			t.Fatalf("upload to %s: %d %s", action, st, text(b))
		}
	}
	if list, err := e.folderOf(t, "bob@example.test", "team").List(context.Background(), ""); err != nil || len(list) != 0 {
		t.Fatalf("the folder holds %d entries after refused uploads (%v)", len(list), err)
	}
}

// TestFolderUploadOverQuota: an upload past the quota is refused with a
// sentence and 507; nothing of it stays, and a file it would have
// replaced keeps its bytes.
func TestFolderUploadOverQuota(t *testing.T) {
	e := newFolderEnv(t, func(o *Options) { o.DefaultFolderQuota = 64 << 10 })
	bob := e.signin(t, "bob@example.test", "password1")
	action := bob.uploadAction(t, "/g/team/folder")
	if st, _, _ := bob.upload(t, action, "keep.bin", strings.NewReader("version one")); st != http.StatusSeeOther {
		t.Fatalf("small upload: %d", st)
	}
	big := bytes.Repeat([]byte("x"), 100<<10)
	for _, name := range []string{"big.bin", "keep.bin"} {
		st, b, _ := bob.upload(t, action, name, bytes.NewReader(big))
		if st != http.StatusInsufficientStorage || !strings.Contains(html.UnescapeString(text(b)), "The group's folder is full: "+name+" does not fit") {
			t.Fatalf("over-quota upload of %s: %d %s", name, st, text(b))
		}
	}
	f := e.folderOf(t, "bob@example.test", "team")
	list, _ := f.List(context.Background(), "")
	if len(list) != 1 || list[0].Path != "keep.bin" || string(readFile(t, f, "keep.bin")) != "version one" {
		t.Fatalf("after refused uploads the folder holds %d entries, keep.bin %q", len(list), readFile(t, f, "keep.bin"))
	}
	left, _ := os.ReadDir(e.store.UploadDir(e.store.BlobPath(".uploads")))
	if len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

// TestFolderHiddenFromOutsiders: the tab of a group one is not in reads
// exactly like a group that does not exist, for browsing and uploads.
func TestFolderHiddenFromOutsiders(t *testing.T) {
	e := newFolderEnv(t)
	eve := e.signin(t, "eve@example.test", "password1")
	_, missing := eve.get(t, "/g/nosuch/folder")
	for _, path := range []string{"/g/team/folder", "/g/team/folder/x.txt"} {
		if st, b := eve.get(t, path); st != http.StatusNotFound || text(b) != text(missing) {
			t.Fatalf("outsider GET %s: %d %s", path, st, text(b))
		}
	}
	if st, _, _ := eve.upload(t, "/g/team/folder/upload?_csrf="+url.QueryEscape(eve.csrf), "x.txt", strings.NewReader("x")); st != http.StatusNotFound {
		t.Fatalf("outsider upload: %d", st)
	}
}
