package smtp

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
	"groupd/internal/testdb"
	"groupd/internal/testkit"
)

// lockedBuffer is a log sink safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSubmissionAuthLogsNoSecret (issue 16 item 13): AUTH PLAIN and
// LOGIN with a password or token typed as the user name fail, and
// neither the store's log nor the submission server's holds that string.
func TestSubmissionAuthLogsNoSecret(t *testing.T) {
	var logs lockedBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db := testdb.New(t)
	st, err := groups.Open(testkit.StoreOptions(groups.Options{Driver: db.Driver, DSN: db.DSN, Path: db.Path, BlobDir: db.BlobDir,
		MailDomains: []string{listDomain}, InternalDomains: []string{"example.test"},
		HashParams: &groups.HashParams{Time: 1, Memory: 64, Threads: 1}, Logger: logger}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := newWorldAt(t, st, nil, nil)
	ca := newTestCA(t)
	addr, _ := startSubmission(t, w, ca, func(o *SubmissionOptions) { o.Logger = logger })
	const secret = "s3cret-Admin-Token-0123456789abcdef"
	for _, auth := range []sasl.Client{sasl.NewPlainClient("", secret, "x"), sasl.NewLoginClient(secret+"2", "x")} {
		c, err := gosmtp.DialStartTLS(addr, ca.client)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, c.Auth(auth), 535, "5.7.8")
		c.Close()
	}
	if out := logs.String(); strings.Contains(strings.ToLower(out), strings.ToLower(secret)) || !strings.Contains(out, "unknown:") {
		t.Fatalf("the log holds the secret, or no hash of it:\n%s", out)
	}
}
