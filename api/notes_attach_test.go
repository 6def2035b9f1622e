package api

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"groupd/groups"
)

// doH is e.do with request headers.
func (e *env) doH(w who, method, path string, body []byte, hdr map[string]string) resp {
	e.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.SetBasicAuth(w.user, w.pass)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: data}
}

func pngOf(t *testing.T, w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bombPNG is a PNG header claiming side × side pixels.
func bombPNG(t *testing.T, side int) []byte {
	p := pngOf(t, 1, 1)
	binary.BigEndian.PutUint32(p[16:], uint32(side))
	binary.BigEndian.PutUint32(p[20:], uint32(side))
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

func multipartBody(t *testing.T, name string, data []byte) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("comment", "ignored")
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// wantSafe checks the headers of every served user file, and the
// disposition.
func wantSafe(t *testing.T, r resp, ctype, disposition string) {
	t.Helper()
	h := r.header
	if h.Get("Content-Type") != ctype || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Content-Security-Policy") != "sandbox; default-src 'none'" ||
		len(h.Get("Content-Disposition")) < len(disposition) || h.Get("Content-Disposition")[:len(disposition)] != disposition {
		t.Errorf("headers %v, want %s and %s", h, ctype, disposition)
	}
}

// Upload raw and multipart, list in the note's JSON, serve safely, and
// the note's rules: members read, the author or a master changes, a
// private group is missing to an outsider.
func TestNoteAttachmentsAPI(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test", "carol@example.test", "eve@example.test")
	alice, bob, carol, eve := as("alice@example.test"), as("bob@example.test"), as("carol@example.test"), as("eve@example.test")
	e.group(alice, map[string]any{"id": "team", "name": "Team", "public": false,
		"members": []string{"bob@example.test", "carol@example.test"}})
	n := decodeAs[groups.Note](t, e.want(201, e.do(bob, "POST", "/api/v1/groups/team/notes", `{"title": "Trip"}`)))
	base := fmt.Sprintf("/api/v1/groups/team/notes/%d/attachments", n.ID)

	pic := pngOf(t, 640, 100)
	r := e.want(201, e.doH(bob, "POST", base+"?name=beach.png", pic, map[string]string{"Content-Type": "text/html"}))
	img := decodeAs[groups.Attachment](t, r)
	if !img.Inline || img.Type != "image/png" || img.Size != int64(len(pic)) || img.URL != base+fmt.Sprint("/", img.ID) ||
		img.ThumbnailURL == nil || *img.ThumbnailURL != img.URL+"/thumbnail" || r.header.Get("Location") != img.URL {
		t.Fatalf("image: %s", r.body)
	}
	body, ct := multipartBody(t, "plan.pdf", []byte("%PDF-1.4 plan"))
	pdf := decodeAs[groups.Attachment](t, e.want(201, e.doH(bob, "POST", base, body, map[string]string{"Content-Type": ct})))
	svgData := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	svg := decodeAs[groups.Attachment](t, e.want(201, e.doH(alice, "POST", base, svgData,
		map[string]string{"Content-Type": "image/svg+xml", "Content-Disposition": `attachment; filename="x.svg"`})))
	if pdf.Inline || pdf.Type != "application/pdf" || pdf.ThumbnailURL != nil || svg.Inline || svg.Type != "application/octet-stream" {
		t.Fatalf("pdf %+v svg %+v", pdf, svg)
	}

	got := decodeAs[groups.Note](t, e.want(200, e.do(carol, "GET", fmt.Sprintf("/api/v1/groups/team/notes/%d", n.ID), nil)))
	if len(got.Attachments) != 3 || got.Attachments[0].URL != img.URL || got.Attachments[2].Name != "x.svg" {
		t.Fatalf("note: %+v", got.Attachments)
	}
	r = e.want(200, e.do(carol, "GET", img.URL, nil))
	wantSafe(t, r, "image/png", "inline")
	if !bytes.Equal(r.body, pic) {
		t.Error("the image reads back different")
	}
	wantSafe(t, e.want(200, e.do(carol, "GET", *img.ThumbnailURL, nil)), "image/jpeg", "inline")
	wantSafe(t, e.want(200, e.do(carol, "GET", svg.URL, nil)), "application/octet-stream", "attachment")
	r = e.want(200, e.do(carol, "GET", pdf.URL, nil))
	wantSafe(t, r, "application/pdf", "attachment")
	if string(r.body) != "%PDF-1.4 plan" {
		t.Errorf("pdf: %q", r.body)
	}

	e.wantErr(403, "forbidden", "author or a master", e.doH(carol, "POST", base+"?name=c.txt", []byte("x"), nil))
	e.wantErr(403, "forbidden", "author or a master", e.do(carol, "DELETE", pdf.URL, nil))
	hidden := e.want(404, e.do(eve, "GET", img.URL, nil))
	missing := e.want(404, e.do(eve, "GET", "/api/v1/groups/nope/notes/1/attachments/1", nil))
	if string(hidden.body) != string(missing.body) {
		t.Errorf("outsider: %s; missing group: %s", hidden.body, missing.body)
	}
	e.wantErr(400, "bad_request", "name the file", e.doH(bob, "POST", base, []byte("x"), nil))
	e.wantErr(422, "invalid", "30000 × 30000 pixels", e.doH(bob, "POST", base+"?name=bomb.png", bombPNG(t, 30000), nil))

	e.want(204, e.do(alice, "DELETE", pdf.URL, nil))
	e.want(404, e.do(carol, "GET", pdf.URL, nil))
}

// Past the group's quota an upload gets 507 with the folder's words;
// past notes.max_attachment_bytes, 413.
func TestNoteAttachmentLimitsAPI(t *testing.T) {
	e := newEnvWith(t, Options{MaxAttachmentBytes: 50_000})
	e.users("alice@example.test")
	alice := as("alice@example.test")
	e.group(alice, map[string]any{"id": "team", "name": "Team"})
	n := decodeAs[groups.Note](t, e.want(201, e.do(alice, "POST", "/api/v1/groups/team/notes", `{"title": "Big"}`)))
	base := fmt.Sprintf("/api/v1/groups/team/notes/%d/attachments", n.ID)
	e.want(200, e.do(admin, "PUT", "/api/v1/groups/team/quota", `{"bytes": 30000}`))
	e.want(201, e.doH(alice, "POST", base+"?name=a.bin", make([]byte, 20_000), nil))
	e.wantErr(507, "quota_exceeded", groups.QuotaExceeded, e.doH(alice, "POST", base+"?name=b.bin", make([]byte, 20_000), nil))
	e.wantErr(413, "too_large", "at most 50000 bytes", e.doH(alice, "POST", base+"?name=c.bin", make([]byte, 50_001), nil))
	q := decodeAs[struct{ Used int64 }](t, e.want(200, e.do(alice, "GET", "/api/v1/groups/team/quota", nil)))
	if q.Used != 20_000 {
		t.Errorf("quota used %d, want the attachment's 20000", q.Used)
	}
}
