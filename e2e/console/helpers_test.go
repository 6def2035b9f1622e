package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groupd/e2e/internal/e2etest"
	"groupd/internal/groupdproc"
	"groupd/internal/testdb"
)

// consolePassword is every seeded user's password.
const consolePassword = "password1"

// person is a seeded user: the address they sign in with and their name.
type person struct{ Email, Name string }

// The cast. lists.example.test is hosted and example.test internal (the
// config's defaults).
var (
	userAlice = person{"alice@example.test", "Alice Kim"} // creates the group
	userBob   = person{"bob@example.test", "Bob Lee"}     // picked at creation
	userDave  = person{"dave@example.test", "Dave Park"}  // added later
	userErin  = person{"erin@example.test", "Erin Moss"}  // an outsider
)

// consoleDaemon is the groupd binary running with HTTP on loopback and a
// recording relay stand-in.
type consoleDaemon struct {
	proc  *groupdproc.Proc
	base  string // http://127.0.0.1:port
	host  string // 127.0.0.1:port
	relay *e2etest.Relay
	cat   map[string]map[string]string // web/i18n: key → language → text
}

// startConsole builds and runs groupd for the test, and reads the
// console's message catalogs so that tests assert the very sentences a
// user reads. listen names listeners wanted besides http ("smtp").
func startConsole(t *testing.T, listen ...string) *consoleDaemon {
	t.Helper()
	bin, err := groupdproc.Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	relay := e2etest.StartRelay(t)
	p, err := groupdproc.Start(groupdproc.Options{Bin: bin, Root: t.TempDir(), Relay: relay.Addr,
		Listen: append([]string{"http"}, listen...), DSN: testdb.New(t).DSN})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Error(err)
		}
	})
	host := p.Addr("http")
	return &consoleDaemon{proc: p, base: "http://" + host, host: host, relay: relay, cat: readCatalogs(t)}
}

// readCatalogs reads web/i18n/*.json.
func readCatalogs(t *testing.T) map[string]map[string]string {
	t.Helper()
	files, err := filepath.Glob("../../web/i18n/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalogs under web/i18n: %v", err)
	}
	cat := map[string]map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k, v := range m {
			cat[k] = v
		}
	}
	return cat
}

// say is catalog text key in English, as the console shows it.
func (d *consoleDaemon) say(t *testing.T, key string, args ...any) string {
	t.Helper()
	s, ok := d.cat[key]["en"]
	if !ok {
		t.Fatalf("no catalog key %q", key)
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

// admin calls the API with the admin token and fails unless it answers
// want; it returns the body.
func (d *consoleDaemon) admin(t *testing.T, method, path string, body any, want int) []byte {
	t.Helper()
	b, err := d.proc.API(method, path, body, want)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// as calls the HTTP API, or DAV, as user with HTTP Basic and returns the
// status and body.
func (d *consoleDaemon) as(t *testing.T, user person, method, path string, body io.Reader, ctype string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, d.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user.Email, consolePassword)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// asJSON calls the API as user with a JSON body, fails unless it answers
// want, and decodes the answer into out (when not nil).
func (d *consoleDaemon) asJSON(t *testing.T, user person, method, path string, body, out any, want int) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		rd = bytes.NewReader(j)
	}
	code, b := d.as(t, user, method, path, rd, "application/json")
	if code != want {
		t.Fatalf("%s %s as %s: %d %s, want %d", method, path, user.Email, code, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

// addUsers creates the users over the API with the admin token.
func (d *consoleDaemon) addUsers(t *testing.T, people ...person) {
	t.Helper()
	for _, p := range people {
		d.admin(t, "POST", "/api/v1/users", map[string]string{"email": p.Email, "name": p.Name,
			"password": consolePassword}, 201)
	}
}

// apiGroup is the part of GET /api/v1/groups/{id} the tests read.
type apiGroup struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Public     bool            `json:"public"`
	Features   map[string]bool `json:"features"`
	Masters    []string        `json:"masters"`
	Members    []string        `json:"members"` // masters included
	HasProfile bool            `json:"has_profile"`
	List       struct {
		Enabled bool   `json:"enabled"`
		Address string `json:"address"`
	} `json:"mailing_list"`
}

// group reads group id with the admin token.
func (d *consoleDaemon) group(t *testing.T, id string) apiGroup {
	t.Helper()
	var g apiGroup
	if err := json.Unmarshal(d.admin(t, "GET", "/api/v1/groups/"+id, nil, 200), &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// waitPost waits until the relay has handed a message whose Subject is
// subject to each of rcpts; it returns who got it, so many times each.
func (d *consoleDaemon) waitPost(t *testing.T, subject string, rcpts ...string) map[string]int {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := map[string]int{}
		for rcpt, msgs := range d.relay.Received() {
			for _, m := range msgs {
				if strings.Contains(subjectOf(m), subject) {
					got[rcpt]++
				}
			}
		}
		missing := false
		for _, r := range rcpts {
			missing = missing || got[r] == 0
		}
		if !missing {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s the relay handed %q to %v, want each of %v\n%s", subject, got, rcpts, d.proc.Tail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// subjectOf is a message's Subject, decoded (RFC 2047).
func subjectOf(msg []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		return ""
	}
	s, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return ""
	}
	return s
}

// writePNG writes a small PNG (a two-colour square) for the profile image
// and returns its path.
func writePNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 48, 48))
	for y := range 48 {
		for x := range 48 {
			c := color.RGBA{0x1f, 0x6f, 0xeb, 0xff}
			if (x/12+y/12)%2 == 0 {
				c = color.RGBA{0xff, 0xc8, 0x3d, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	path := filepath.Join(t.TempDir(), "profile.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}
