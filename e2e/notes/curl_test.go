package notes

import (
	"bytes"
	"strings"
	"testing"
)

// TestAttachmentsWithCurl: through the binary, with curl.
func TestAttachmentsWithCurl(t *testing.T) {
	needCurl(t)
	p, base := startGroupd(t)
	h := "http://" + p.Addr("http")
	alice, bob := "alice@example.test", "bob@example.test"

	// A 5 MiB JPEG as a raw body and a PDF as multipart, read back by
	// another member byte for byte.
	jpg := photo(t)
	code, out := upload(t, base+"?name=offsite.jpg", alice, "-H", "Content-Type: image/jpeg", "--data-binary", "@"+writeTemp(t, "offsite.jpg", jpg))
	if code != "201" {
		t.Fatalf("JPEG upload: %s %s", code, out)
	}
	img := decode(t, out)
	if !img.Inline || img.Type != "image/jpeg" || img.Size != int64(len(jpg)) || img.ThumbnailURL == nil {
		t.Fatalf("JPEG: %s", out)
	}
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0123456789 stream\n"), 20000)...)
	code, out = upload(t, base, alice, "-F", "file=@"+writeTemp(t, "plan.pdf", pdf))
	if code != "201" {
		t.Fatalf("PDF upload: %s %s", code, out)
	}
	doc := decode(t, out)
	for _, c := range []struct {
		a    attachment
		want []byte
		disp string
	}{{img, jpg, "content-disposition: inline"}, {doc, pdf, "content-disposition: attachment"}} {
		got, hdr := download(t, h+c.a.URL, bob)
		if !bytes.Equal(got, c.want) || !strings.Contains(hdr, c.disp) || !strings.Contains(hdr, "x-content-type-options: nosniff") {
			t.Fatalf("%s: %d bytes back of %d; headers:\n%s", c.a.Name, len(got), len(c.want), hdr)
		}
	}
	if thumb, hdr := download(t, h+*img.ThumbnailURL, bob); len(thumb) == 0 || !strings.Contains(hdr, "content-type: image/jpeg") {
		t.Fatalf("thumbnail: %d bytes, headers:\n%s", len(thumb), hdr)
	}

	// An SVG with a script: a download of a type that never runs.
	svg := `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>`
	code, out = upload(t, base, alice, "-H", "Content-Type: image/svg+xml", "-H", `Content-Disposition: attachment; filename="x.svg"`,
		"--data-binary", "@"+writeTemp(t, "x.svg", []byte(svg)))
	if code != "201" {
		t.Fatalf("SVG upload: %s %s", code, out)
	}
	s := decode(t, out)
	got, hdr := download(t, h+s.URL, bob)
	for _, want := range []string{"content-disposition: attachment", "x-content-type-options: nosniff",
		"content-type: application/octet-stream", "content-security-policy: sandbox"} {
		if string(got) != svg || !strings.Contains(hdr, want) {
			t.Fatalf("SVG served without %q:\n%s", want, hdr)
		}
	}

	// A decompression bomb: 422 with a sentence, and the daemon serves on.
	used := quotaUsed(t, h)
	bombPNG := bomb(t, 30000)
	t.Logf("the bomb PNG is %d bytes", len(bombPNG))
	bombFile := writeTemp(t, "bomb.png", bombPNG)
	code, out = upload(t, base+"?name=bomb.png", alice, "--data-binary", "@"+bombFile)
	if code != "422" || !strings.Contains(out, "30000 × 30000 pixels") {
		t.Fatalf("bomb: %s %s", code, out)
	}
	if err := p.Exited(); err != nil {
		t.Fatalf("the daemon exited: %v", err)
	}
	if got := curl(t, h+"/healthz"); got != "ok" && got != "ok\n" {
		t.Fatalf("healthz after the bomb: %q", got)
	}
	if after := quotaUsed(t, h); after != used {
		t.Errorf("the refused bomb counts: used %d, was %d", after, used)
	}

	// The quota counts them all, thumbnail included; a purge frees it.
	if min := int64(len(jpg) + len(pdf) + len(svg)); used <= min {
		t.Errorf("quota used %d, want more than the files' %d (the thumbnail too)", used, min)
	}
	if out := curl(t, "-u", alice+":"+pw, "-w", "%{http_code}", "-d", `{"features":["note"]}`, h+"/api/v1/groups/team/purge"); out != "204" {
		t.Fatalf("purge: %s", out)
	}
	if after := quotaUsed(t, h); after != 0 {
		t.Errorf("quota used after the purge: %d", after)
	}
	if _, hdr := download(t, h+img.URL, bob); !strings.HasPrefix(hdr, "http/1.1 404") {
		t.Errorf("the purged photo: %s", hdr)
	}
}

func decode(t *testing.T, s string) attachment {
	t.Helper()
	var a attachment
	if err := jsonUnmarshal(s, &a); err != nil || a.URL == "" {
		t.Fatalf("attachment JSON %q: %v", s, err)
	}
	return a
}
