package notes

import (
	"bytes"
	"compress/zlib"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"groupd/internal/groupdproc"
	"groupd/internal/testdb"
)

const pw = "password1"

// curl runs curl with args and returns its standard output; -w output
// is part of it.
func curl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("curl", append([]string{"-sS", "--max-time", "120"}, args...)...).Output()
	if err != nil {
		t.Fatalf("curl %v: %v", args, err)
	}
	return string(out)
}

func needCurl(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("curl is not installed, and CI is set: install the Debian package curl")
		}
		t.Skip("curl is not installed (Debian package curl)")
	}
}

// startGroupd builds and runs the binary, HTTP only, with alice master
// and bob member of "team", and a note of alice's; it returns the
// process and the note's attachments URL.
func startGroupd(t *testing.T) (*groupdproc.Proc, string) {
	t.Helper()
	bin, err := groupdproc.Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	p, err := groupdproc.Start(groupdproc.Options{Bin: bin, Root: root, Relay: "127.0.0.1:9",
		Listen: []string{"http"}, DSN: testdb.For(t, root).DSN})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	for _, u := range []string{"alice", "bob"} {
		if _, err := p.API("POST", "/api/v1/users", map[string]string{"email": u + "@example.test", "name": u, "password": pw}, 201); err != nil {
			t.Fatal(err)
		}
	}
	h := "http://" + p.Addr("http")
	if out := curl(t, "-u", "alice@example.test:"+pw, "-w", "%{http_code}", "-o", "/dev/null",
		"-d", `{"id":"team","name":"Team","members":["bob@example.test"],"notify":false}`, h+"/api/v1/groups"); out != "201" {
		t.Fatalf("create group: %s", out)
	}
	var n struct{ ID int64 }
	out := curl(t, "-u", "alice@example.test:"+pw, "-d", `{"title":"Offsite"}`, h+"/api/v1/groups/team/notes")
	if err := json.Unmarshal([]byte(out), &n); err != nil || n.ID == 0 {
		t.Fatalf("note: %s", out)
	}
	return p, fmt.Sprintf("%s/api/v1/groups/team/notes/%d/attachments", h, n.ID)
}

// photo is a JPEG of noise of at least 5 MiB.
func photo(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2100, 1400))
	rand.Read(img.Pix)
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	if b.Len() < 5<<20 {
		t.Fatalf("the photo is only %d bytes", b.Len())
	}
	return b.Bytes()
}

// bomb is a valid PNG of side × side black pixels (1-bit grey): each row
// is a filter byte and side/8 zero bytes, which zlib shrinks a
// thousandfold.
func bomb(t *testing.T, side int) []byte {
	var png bytes.Buffer
	png.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&png, binary.BigEndian, uint32(len(data)))
		png.WriteString(typ)
		png.Write(data)
		binary.Write(&png, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(side))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(side))
	ihdr[8] = 1 // bit depth; colour type 0 (grey), no interlace
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, 1+(side+7)/8)
	for range side {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return png.Bytes()
}

func writeTemp(t *testing.T, name string, data []byte) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// attachment is the JSON of an uploaded file.
type attachment struct {
	ID           int64
	Name, Type   string
	Size         int64
	Inline       bool
	URL          string
	ThumbnailURL *string `json:"thumbnail_url"`
}

// upload posts a file with curl (raw body named by ?name=, or -F for
// multipart) and returns the status and the body.
func upload(t *testing.T, base, user string, args ...string) (string, string) {
	t.Helper()
	out := curl(t, append([]string{"-u", user + ":" + pw, "-w", "\n%{http_code}"}, append(args, base)...)...)
	i := strings.LastIndexByte(out, '\n')
	return out[i+1:], out[:i]
}

// download fetches url with curl into a file and returns its bytes and
// the response headers.
func download(t *testing.T, url, user string) ([]byte, string) {
	t.Helper()
	dir := t.TempDir()
	body, hdr := filepath.Join(dir, "body"), filepath.Join(dir, "headers")
	curl(t, "-u", user+":"+pw, "-o", body, "-D", hdr, url)
	b, _ := os.ReadFile(body)
	h, _ := os.ReadFile(hdr)
	return b, strings.ToLower(string(h))
}

func quotaUsed(t *testing.T, h string) int64 {
	t.Helper()
	var q struct{ Used int64 }
	out := curl(t, "-u", "alice@example.test:"+pw, h+"/api/v1/groups/team/quota")
	if err := json.Unmarshal([]byte(out), &q); err != nil {
		t.Fatalf("quota: %s", out)
	}
	return q.Used
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
