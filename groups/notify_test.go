package groups

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"strings"
	"testing"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func outbox(t *testing.T, s *Store) []string {
	t.Helper()
	unbundleAll(t, s)
	rows, err := s.rdb.Query(`SELECT o.oid, o.data, r.rcpt FROM outbound o JOIN outbound_rcpts r ON r.oid = o.oid
		ORDER BY o.oid, r.rid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	var rcpts []string
	var last int64
	var lastData string
	flush := func() {
		if len(rcpts) > 0 {
			out = append(out, strings.Join(rcpts, ",")+"\n"+lastData)
		}
		rcpts = nil
	}
	for rows.Next() {
		var oid int64
		var data, rcpt string
		rows.Scan(&oid, &data, &rcpt)
		if oid != last {
			flush()
		}
		last, lastData = oid, data
		rcpts = append(rcpts, rcpt)
	}
	flush()
	return out
}

// addNamed creates users with display names: email, name, email, name...
func addNamed(t *testing.T, s *Store, pairs ...string) {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		if _, err := s.CreateUser(context.Background(), admin, UserSpec{Email: str(pairs[i]), Name: str(pairs[i+1]),
			Password: str("password1")}); err != nil {
			t.Fatalf("create user %s: %v", pairs[i], err)
		}
	}
}

// queuedNotice is a queued notice as its recipients read it.
type queuedNotice struct {
	rcpts   []string
	header  mail.Header
	subject string
	body    string // decoded, LF line ends
	raw     string
}

// notices reads the outbound queue back as a mail client would: the
// Subject decoded (RFC 2047), the body decoded (quoted-printable).
func notices(t *testing.T, s *Store) []queuedNotice {
	t.Helper()
	var out []queuedNotice
	for _, m := range outbox(t, s) {
		rcpts, raw, _ := strings.Cut(m, "\n")
		e, err := gomessage.Read(strings.NewReader(raw))
		if err != nil {
			t.Fatalf("a queued notice does not parse: %v\n%s", err, raw)
		}
		body, err := io.ReadAll(e.Body)
		if err != nil {
			t.Fatal(err)
		}
		n := queuedNotice{rcpts: strings.Split(rcpts, ","), header: mail.Header{Header: e.Header}, raw: raw,
			body: strings.ReplaceAll(string(body), "\r\n", "\n")}
		n.subject, _ = n.header.Subject()
		out = append(out, n)
	}
	return out
}

// says fails unless the notice's body has every one of lines.
func (n queuedNotice) says(t *testing.T, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(n.body, l) {
			t.Errorf("notice %q lacks %q:\n%s", n.subject, l, n.body)
		}
	}
}

// TestNotificationsSayWhatChangedAndByWhom (issue 15): the creation and
// edit notices name people by display name and address, list the
// group's masters and members, and show an empty value as "(none)".
func TestNotificationsSayWhatChangedAndByWhom(t *testing.T) {
	s := newStore(t)
	addNamed(t, s, "alice@example.test", "Alice Kim", "bob@example.test", "Bob Lee")
	alice := user("alice@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, alice, GroupSpec{Name: str("Team"), Members: []string{"bob@example.test"}})
	if _, err := s.UpdateGroup(ctx, alice, g.ID, GroupSpec{Description: str("new words")}); err != nil {
		t.Fatal(err)
	}
	quiet := mustGroup(t, s, alice, GroupSpec{Name: str("Quiet"), Notify: boolp(false)})
	if _, err := s.UpdateGroup(ctx, alice, quiet.ID, GroupSpec{Description: str("x")}); err != nil {
		t.Fatal(err)
	}
	got := notices(t, s)
	if len(got) != 2 {
		t.Fatalf("want 2 notices, got %d", len(got))
	}
	for i, want := range []string{`Group "Team" was created by Alice Kim <alice@example.test>`,
		`Group "Team" was edited by Alice Kim <alice@example.test>`} {
		if got[i].subject != want || strings.Join(got[i].rcpts, ",") != "alice@example.test,bob@example.test" {
			t.Errorf("notice %d: subject %q to %v, want %q to alice and bob", i, got[i].subject, got[i].rcpts, want)
		}
	}
	got[0].says(t, "Description: (none)\n", "Group Masters: Alice Kim <alice@example.test>\n",
		"Members: Bob Lee <bob@example.test>\n", "List address: team@lists.example.test\n")
	got[1].says(t, `Alice Kim <alice@example.test> changed the group "Team":`, "Description: (none) -> new words\n")
}

func TestProfileRules(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, user("alice@example.test"), GroupSpec{Name: str("Team"), Members: []string{"bob@example.test"}})
	wantErr(t, s.SetProfile(ctx, user("alice@example.test"), g.ID, []byte("GIF89a not allowed")), ErrInvalid)
	big := append(tinyPNG(t), make([]byte, MaxProfileBytes)...)
	wantErr(t, s.SetProfile(ctx, user("alice@example.test"), g.ID, big), ErrInvalid)
	wantErr(t, s.SetProfile(ctx, user("bob@example.test"), g.ID, tinyPNG(t)), ErrDenied)
	if err := s.SetProfile(ctx, user("alice@example.test"), g.ID, tinyPNG(t)); err != nil {
		t.Fatal(err)
	}
	ct, data, err := s.Profile(ctx, user("bob@example.test"), g.ID)
	if err != nil || ct != "image/png" || !bytes.Equal(data, tinyPNG(t)) {
		t.Fatalf("profile: %q %d %v", ct, len(data), err)
	}
}
