package cluster

import (
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// imapLogin times one IMAP LOGIN on n.
func imapLogin(t *testing.T, n *node, user, password string) (time.Duration, error) {
	t.Helper()
	c, err := imapclient.DialInsecure(n.Addr("imap"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	err = c.Login(user, password).Wait()
	return time.Since(start), err
}

// TestClusterLoginThrottle: failed logins to an account on node A slow
// the next login to it on node B (the default throttle: past 5 failures
// 100 ms, doubling: 1.6 s after 9).
func TestClusterLoginThrottle(t *testing.T) {
	c := startCluster(t, startRelay(t, 0))
	user(t, c.a(), alice)
	base, err := imapLogin(t, c.b(), alice, "password1")
	if err != nil {
		t.Fatal(err)
	}
	for range 9 {
		if _, err := imapLogin(t, c.a(), alice, "wrong-guess"); err == nil {
			t.Fatal("a wrong password logged in")
		}
	}
	took, err := imapLogin(t, c.b(), alice, "password1")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("IMAP login on B: %v before, %v after 9 failures on A", base.Round(time.Millisecond), took.Round(time.Millisecond))
	if took < time.Second || took-base < 800*time.Millisecond {
		t.Fatalf("a login on B took %v after 9 failures on A (%v before): not slowed", took, base)
	}
}
