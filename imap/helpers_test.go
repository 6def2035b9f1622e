package imap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"groupd/groups"
	"groupd/internal/testdb"
	"groupd/internal/testkit"
)

const password = "password1"

// env is a real store with alice (master of "team"), bob (member), carol
// (no groups) and a running server on loopback.
type env struct {
	store *groups.Store
	srv   *Server
	addr  string
	db    testdb.DB // where store keeps its data
}

func newEnv(t testing.TB, opts ...func(*Options)) *env {
	t.Helper()
	return newEnvThrottle(t, groups.ThrottleOptions{}, opts...)
}

// newEnvThrottle is newEnv with the store's login throttle set to th.
func newEnvThrottle(t testing.TB, th groups.ThrottleOptions, opts ...func(*Options)) *env {
	t.Helper()
	db := testdb.New(t)
	so := testkit.StoreOptions(groups.Options{
		Driver: db.Driver, DSN: db.DSN, Path: db.Path, BlobDir: db.BlobDir,
		MailDomains:     []string{"lists.example.test"},
		InternalDomains: []string{"example.test"},
		HashParams:      &groups.HashParams{Time: 1, Memory: 64, Threads: 1},
		Throttle:        th,
	})
	so.ImapParse = ParseForStore // as daemon.StoreOptions sets it
	st, err := groups.Open(so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, e := range []string{"alice@example.test", "bob@example.test", "carol@example.test"} {
		name, pw := e, password
		if _, err := st.CreateUser(context.Background(), groups.AdminActor(), groups.UserSpec{Email: &e, Name: &name, Password: &pw}); err != nil {
			t.Fatal(err)
		}
	}
	mkGroup(t, st, "team", "Team", true, "bob@example.test")
	srv, addr := serve(t, st, opts...)
	return &env{store: st, srv: srv, addr: addr, db: db}
}

// serve starts a server on st on loopback, shut down at cleanup: one
// started anew on the same store has empty caches, as after a restart.
func serve(t testing.TB, st *groups.Store, opts ...func(*Options)) (*Server, string) {
	t.Helper()
	o := Options{Store: st}
	if os.Getenv("IMAP_DEBUG") != "" {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	for _, f := range opts {
		f(&o)
	}
	srv, err := NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return srv, l.Addr().String()
}

func mkGroup(t testing.TB, st *groups.Store, id, name string, public bool, members ...string) {
	t.Helper()
	_, err := st.CreateGroup(context.Background(), groups.UserActor(&groups.User{Email: "alice@example.test"}),
		groups.GroupSpec{ID: &id, Name: &name, Public: &public, Members: members})
	if err != nil {
		t.Fatalf("create group %s: %v", id, err)
	}
}

// post archives a message as the mail server would and returns its UID.
func (e *env) post(t testing.TB, group string, data []byte) uint32 {
	t.Helper()
	uid, err := e.store.ArchiveMessage(context.Background(), group, time.Now(), "", data)
	if err != nil {
		t.Fatalf("archive: %v", err)
	}
	return uint32(uid)
}

// index does what the daemon's index worker does after posts are
// archived: their search text and stored parse (ParseForStore).
func (e *env) index(t testing.TB) {
	t.Helper()
	for {
		n, err := e.store.IndexArchive(context.Background(), 100)
		if err != nil {
			t.Fatalf("index: %v", err)
		}
		if n == 0 {
			return
		}
	}
}

// message is a plain-text post with the given subject and body.
func message(subject, body string) []byte {
	return []byte(fmt.Sprintf("From: Alice <alice@example.test>\r\nTo: team@lists.example.test\r\n"+
		"Subject: %s\r\nDate: Mon, 02 Jan 2006 15:04:05 +0000\r\nMessage-ID: <%d@example.test>\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", subject, time.Now().UnixNano(), body))
}

// login dials the server and logs in; the client is closed at cleanup.
func (e *env) login(t testing.TB, email string, opts ...*imapclient.Options) *imapclient.Client {
	t.Helper()
	c := e.dial(t, opts...)
	if err := c.Login(email, password).Wait(); err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	return c
}

func (e *env) dial(t testing.TB, opts ...*imapclient.Options) *imapclient.Client {
	t.Helper()
	var o *imapclient.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	c, err := imapclient.DialInsecure(e.addr, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func listNames(t testing.TB, c *imapclient.Client) []string {
	t.Helper()
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	var out []string
	for _, l := range list {
		out = append(out, l.Mailbox)
	}
	return out
}

func mustSelect(t testing.TB, c *imapclient.Client, name string) *goimap.SelectData {
	t.Helper()
	d, err := c.Select(name, nil).Wait()
	if err != nil {
		t.Fatalf("select %s: %v", name, err)
	}
	return d
}

// wantNo asserts a NO answer whose text contains want.
func wantNo(t testing.TB, what string, err error, want string) {
	t.Helper()
	var ie *goimap.Error
	if !errors.As(err, &ie) || ie.Type != goimap.StatusResponseTypeNo {
		t.Fatalf("%s: got %v, want NO", what, err)
	}
	if want != "" && !strings.Contains(ie.Text, want) {
		t.Fatalf("%s: got %q, want it to say %q", what, ie.Text, want)
	}
}

func bg() context.Context { return context.Background() }

func adminActor() groups.Actor { return groups.AdminActor() }

func userActor(email string) groups.Actor { return groups.Actor{Email: email} }

func imapQueryAll() groups.ImapQuery { return groups.ImapQuery{Data: groups.ImapFullData} }
