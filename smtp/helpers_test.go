package smtp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
	"groupd/internal/testdb"
	"groupd/internal/testkit"
)

// Test world: lists.example.test is hosted, example.test is internal.
const (
	listDomain = "lists.example.test"
	alice      = "alice@example.test" // master of team
	bob        = "bob@example.test"   // member of team
	carol      = "carol@example.test" // internal, not a member
	partner    = "partner@other.example"
	stranger   = "eve@elsewhere.example"
	teamList   = "team@" + listDomain
)

func newStore(t testing.TB) *groups.Store {
	t.Helper()
	return newStoreAt(t, testdb.New(t))
}

// newStoreAt opens a test store on the database db.
func newStoreAt(t testing.TB, db testdb.DB) *groups.Store {
	t.Helper()
	st, err := groups.Open(testkit.StoreOptions(groups.Options{
		Driver: db.Driver, DSN: db.DSN, Path: db.Path, BlobDir: db.BlobDir,
		MailDomains:     []string{listDomain},
		InternalDomains: []string{"example.test"},
		HashParams:      &groups.HashParams{Time: 1, Memory: 64, Threads: 1},
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func ptr[T any](v T) *T { return &v }

func addUsers(t testing.TB, st *groups.Store, emails ...string) {
	t.Helper()
	for _, e := range emails {
		_, err := st.CreateUser(context.Background(), groups.AdminActor(),
			groups.UserSpec{Email: ptr(e), Name: ptr(strings.Split(e, "@")[0]), Password: ptr("password1")})
		if err != nil {
			t.Fatalf("create user %s: %v", e, err)
		}
	}
}

// addGroup creates a group without notifications (they would reach the
// relay too); list edits the list settings. What list leaves out is the
// list these tests were written for: members only, block_external off
// (not a new group's defaults, which TestNewListDefaultsOverSMTP checks).
func addGroup(t testing.TB, st *groups.Store, id string, masters, members []string, list *groups.ListSpec) *groups.Group {
	t.Helper()
	if list == nil {
		list = &groups.ListSpec{}
	}
	if list.SendRestriction == nil {
		list.SendRestriction = ptr(groups.SendMembers)
	}
	if list.BlockExternal == nil {
		list.BlockExternal = ptr(false)
	}
	g, err := st.CreateGroup(context.Background(), groups.AdminActor(), groups.GroupSpec{
		ID: ptr(id), Name: ptr(strings.ToUpper(id[:1]) + id[1:]), Notify: ptr(false), External: ptr(true),
		Masters: masters, Members: members, MailingList: list,
	})
	if err != nil {
		t.Fatalf("create group %s: %v", id, err)
	}
	return g
}

// world is a store with the team group: alice master, bob member,
// partner external member, and the real server on loopback.
type world struct {
	st    *groups.Store
	addr  string
	relay *relay
}

func newWorld(t *testing.T, list *groups.ListSpec, opt func(*Options)) *world {
	t.Helper()
	return newWorldAt(t, newStore(t), list, opt)
}

// newWorldAt is newWorld on the store st.
func newWorldAt(t *testing.T, st *groups.Store, list *groups.ListSpec, opt func(*Options)) *world {
	t.Helper()
	addUsers(t, st, alice, bob, carol)
	if list == nil {
		list = &groups.ListSpec{}
	}
	if list.ExternalMembers == nil {
		list.ExternalMembers = &[]string{partner}
	}
	addGroup(t, st, "team", []string{alice}, []string{bob}, list)
	w := &world{st: st, relay: startRelay(t)}
	w.addr = startServer(t, st, opt)
	return w
}

func startServer(t testing.TB, st *groups.Store, opt func(*Options)) string {
	t.Helper()
	o := Options{Store: st, Hostname: listDomain}
	if opt != nil {
		opt(&o)
	}
	srv, err := NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Serve(l); close(done) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-done
	})
	return l.Addr().String()
}

// startQueue runs a Queue against the world's relay until the test ends.
// The returned func stops it early.
func (w *world) startQueue(t testing.TB, opt func(*QueueOptions)) (stop func()) {
	t.Helper()
	o := QueueOptions{Store: w.st, Relay: w.relay.addr, Hostname: listDomain, PollInterval: 20 * time.Millisecond}
	if opt != nil {
		opt(&o)
	}
	q, err := NewQueue(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("queue: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// send posts data with go-smtp's client and returns the first refusal.
func send(t testing.TB, addr, from string, rcpts []string, data string) error {
	t.Helper()
	c, err := gosmtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r, nil); err != nil {
			return err
		}
	}
	wc, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(wc, data); err != nil {
		return err
	}
	if err := wc.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// wantCode checks a refusal's code and enhanced code, e.g. 550, "5.7.1".
func wantCode(t testing.TB, err error, code int, enh string) *gosmtp.SMTPError {
	t.Helper()
	var se *gosmtp.SMTPError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want %d %s", err, code, enh)
	}
	e := se.EnhancedCode
	got := fmt.Sprintf("%d.%d.%d", e[0], e[1], e[2])
	if se.Code != code || got != enh {
		t.Fatalf("got %d %s %q, want %d %s", se.Code, got, se.Message, code, enh)
	}
	return se
}

func post(from, subject, body string, extra ...string) string {
	h := "From: " + from + "\r\nTo: " + teamList + "\r\nSubject: " + subject +
		"\r\nMessage-ID: <" + strings.ReplaceAll(subject, " ", ".") + "@client.example>\r\n"
	for _, e := range extra {
		h += e + "\r\n"
	}
	return h + "\r\n" + body + "\r\n"
}

// header returns the value of the first field called name in data.
func header(data []byte, name string) string {
	head, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(head), "\r\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
