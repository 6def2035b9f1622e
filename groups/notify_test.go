package groups

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strings"
	"testing"
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
	rows, err := s.rdb.Query(`SELECT o.data, GROUP_CONCAT(r.rcpt) FROM outbound o JOIN outbound_rcpts r ON r.oid = o.oid GROUP BY o.oid ORDER BY o.oid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var data, rcpts string
		rows.Scan(&data, &rcpts)
		out = append(out, rcpts+"\n"+data)
	}
	return out
}

func TestNotificationsSayWhatChangedAndByWhom(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test")
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
	mail := outbox(t, s)
	if len(mail) != 2 {
		t.Fatalf("want 2 notices, got %d:\n%s", len(mail), strings.Join(mail, "\n---\n"))
	}
	for i, want := range []string{`Group "Team" was created by alice@example.test`, `Group "Team" was edited by alice@example.test`} {
		if !strings.Contains(mail[i], want) || !strings.HasPrefix(mail[i], "alice@example.test,bob@example.test\n") {
			t.Errorf("notice %d lacks %q or recipients:\n%s", i, want, mail[i])
		}
	}
	if !strings.Contains(mail[1], "Description:  -> new words") {
		t.Errorf("edit notice does not say what changed:\n%s", mail[1])
	}
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
