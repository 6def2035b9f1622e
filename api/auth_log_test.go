package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"groupd/groups"
	"groupd/internal/testdb"
	"groupd/internal/testkit"
)

// logSink is a log buffer safe for concurrent writes.
type logSink struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestFailedLoginLogsNoSecret (issue 16 item 13): Basic credentials with
// the admin token, or a password typed into the user field, as the user
// name fail and leave no trace of that string in the log (store and API
// alike), only a short hash; a failure for an account that exists names
// it.
func TestFailedLoginLogsNoSecret(t *testing.T) {
	var logs logSink
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db := testdb.New(t)
	st, err := groups.Open(testkit.StoreOptions(groups.Options{Driver: db.Driver, DSN: db.DSN, Path: db.Path, BlobDir: db.BlobDir,
		MailDomains: []string{"lists.example.test"}, InternalDomains: []string{"example.test"},
		HashParams: &groups.HashParams{Time: 1, Memory: 64, Threads: 1}, Logger: logger,
		Throttle: groups.ThrottleOptions{Delay: time.Millisecond, MaxDelay: 5 * time.Millisecond}}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h, err := New(Options{Store: st, AdminToken: testToken, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, store: st}
	e.users("alice@example.test")
	const typedPassword = "Correct-Horse-Battery-Staple-42"
	for _, w := range []who{{user: testToken}, {user: typedPassword, pass: "x"}, {user: "alice@example.test", pass: "wrong"}} {
		if r := e.do(w, http.MethodGet, "/api/v1/groups", nil); r.status != http.StatusUnauthorized {
			t.Fatalf("%q: status %d, want 401", w.user, r.status)
		}
	}
	out := logs.String()
	for _, secret := range []string{testToken, strings.ToLower(testToken), typedPassword, strings.ToLower(typedPassword)} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q:\n%s", secret, out)
		}
	}
	sum := sha256.Sum256([]byte(strings.ToLower(typedPassword)))
	for _, want := range []string{"unknown:" + hex.EncodeToString(sum[:4]), "user=alice@example.test"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log does not hold %q:\n%s", want, out)
		}
	}
}
