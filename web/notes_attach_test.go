package web

import (
	"bytes"
	"context"
	"html"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"groupd/groups"
)

var attachActionRE = regexp.MustCompile(`<form method="post" enctype="multipart/form-data" class="upload attach" action="([^"]+)"`)

// attachAction is the upload form's action on a note's page, "" when the
// page shows none.
func (cl *client) attachAction(t *testing.T, path string) string {
	t.Helper()
	st, body := cl.get(t, path)
	if st != http.StatusOK {
		t.Fatalf("note page %s: %d %s", path, st, text(body))
	}
	if m := attachActionRE.FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

func grayPNG(t *testing.T, w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestNoteAttachmentsConsole: the author adds a photo and an SVG through
// the note's form; the page shows the photo's thumbnail linking to it and
// the SVG as a download with its size; the files are served passive (the
// SVG as a download); another member reads but gets no form nor delete
// button and is refused; the author deletes a file; an outsider of a
// private group gets the page of a missing group.
func TestNoteAttachmentsConsole(t *testing.T) {
	e := newTestEnv(t)
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("team"), Name: str("Team"), Public: no(),
		Members: []string{"bob@example.test"}, Features: &groups.FeatureSpec{Note: yes()}})
	n, err := e.store.CreateNote(context.Background(), groups.Actor{Email: "alice@example.test"}, "team", groups.NoteSpec{Title: str("Trip")})
	if err != nil {
		t.Fatal(err)
	}
	page := "/g/team/notes/" + strconv.FormatInt(n.ID, 10)
	alice := e.signin(t, "alice@example.test", "password1")
	pic := grayPNG(t, 500, 200)
	st, b, loc := alice.upload(t, alice.attachAction(t, page), "beach.png", bytes.NewReader(pic))
	if st != http.StatusSeeOther || loc != page+"?done=attached" {
		t.Fatalf("upload: %d to %q: %s", st, loc, text(b))
	}
	svg := `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`
	alice.upload(t, alice.attachAction(t, page), "x.svg", strings.NewReader(svg))
	got, _ := e.store.GetNote(context.Background(), groups.Actor{Email: "alice@example.test"}, "team", n.ID)
	if len(got.Attachments) != 2 {
		t.Fatalf("stored: %+v", got.Attachments)
	}
	img, file := page+"/attachments/"+strconv.FormatInt(got.Attachments[0].ID, 10), page+"/attachments/"+strconv.FormatInt(got.Attachments[1].ID, 10)
	_, b = alice.get(t, loc)
	for _, want := range []string{`<a href="` + img + `" title="beach.png"><img src="` + img + `/thumbnail"`,
		`<a href="` + file + `?download=1" download title="Download x.svg (71 B)">x.svg</a> <span class="meta">71 B</span>`, `action="` + file + `/delete"`} {
		if !strings.Contains(b, want) {
			t.Fatalf("note page lacks %s: %s", want, b)
		}
	}
	if !strings.Contains(text(b), "The files were added to the note.") {
		t.Errorf("no notice: %s", text(b))
	}
	if _, b = alice.get(t, "/g/team/notes"); !strings.Contains(b, `<img src="`+img+`/thumbnail"`) {
		t.Errorf("the list shows no thumbnail: %s", b)
	}

	bob := e.signin(t, "bob@example.test", "password1")
	resp := bob.raw(t, img)
	body, _ := io.ReadAll(resp.Body)
	wantPassive(t, resp.Header)
	if resp.StatusCode != 200 || !bytes.Equal(body, pic) || resp.Header.Get("Content-Type") != "image/png" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline;") {
		t.Fatalf("image: %d %v", resp.StatusCode, resp.Header)
	}
	resp = bob.raw(t, img+"/thumbnail")
	wantPassive(t, resp.Header)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("thumbnail: %d %v", resp.StatusCode, resp.Header)
	}
	resp = bob.raw(t, file)
	body, _ = io.ReadAll(resp.Body)
	wantPassive(t, resp.Header)
	if string(body) != svg || resp.Header.Get("Content-Type") != "application/octet-stream" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("svg: %v", resp.Header)
	}
	if a := bob.attachAction(t, page); a != "" {
		t.Errorf("bob, not the author, gets an upload form")
	}
	if _, b = bob.get(t, page); strings.Contains(b, "/delete\"") && strings.Contains(b, file+"/delete") {
		t.Errorf("bob gets a delete button")
	}
	if st, _, _ := bob.upload(t, page+"/attachments?_csrf="+url.QueryEscape(bob.csrf), "b.txt", strings.NewReader("b")); st != http.StatusForbidden {
		t.Errorf("bob's upload: %d", st)
	}
	if st, _, _ := bob.postForm(t, file+"/delete", url.Values{}); st != http.StatusForbidden {
		t.Errorf("bob's delete: %d", st)
	}
	if st, _, _ := alice.upload(t, page+"/attachments", "c.txt", strings.NewReader("c")); st != http.StatusForbidden {
		t.Errorf("an upload without the CSRF token: %d", st)
	}

	eve := e.signin(t, "eve@example.test", "password1")
	_, missing := eve.get(t, "/g/nothing/notes/1/attachments/1")
	if st, b := eve.get(t, img); st != http.StatusNotFound || text(b) != text(missing) {
		t.Errorf("outsider: %d %s", st, text(b))
	}

	alice.get(t, page)
	if st, _, loc := alice.postForm(t, file+"/delete", url.Values{}); st != http.StatusSeeOther || loc != page+"?done=attachdeleted" {
		t.Fatalf("delete: %d %q", st, loc)
	}
	if st, _ := alice.get(t, file); st != http.StatusNotFound {
		t.Errorf("deleted file: %d", st)
	}
}

// Over the group's quota the form answers 507 with the sentence beside
// it, and stores nothing.
func TestNoteAttachmentQuotaConsole(t *testing.T) {
	e := newTestEnv(t, func(o *Options) { o.DefaultFolderQuota = 1000 })
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("team"), Name: str("Team"), Features: &groups.FeatureSpec{Note: yes()}})
	n, _ := e.store.CreateNote(context.Background(), groups.Actor{Email: "alice@example.test"}, "team", groups.NoteSpec{Title: str("Big")})
	page := "/g/team/notes/" + strconv.FormatInt(n.ID, 10)
	alice := e.signin(t, "alice@example.test", "password1")
	st, b, _ := alice.upload(t, alice.attachAction(t, page), "big.bin", bytes.NewReader(make([]byte, 2000)))
	if st != http.StatusInsufficientStorage || !strings.Contains(text(b), "quota exceeded") || !strings.Contains(text(b), "big.bin") {
		t.Fatalf("over quota: %d %s", st, text(b))
	}
	if got, _ := e.store.GetNote(context.Background(), groups.Actor{Email: "alice@example.test"}, "team", n.ID); len(got.Attachments) != 0 {
		t.Errorf("stored anyway: %+v", got.Attachments)
	}
}
