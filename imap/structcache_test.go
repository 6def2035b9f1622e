package imap

import (
	"reflect"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"groupd/internal/budget"
)

// TestBodyStructureCached: a client's second sync of ENVELOPE and
// BODYSTRUCTURE (issue 14) is answered from the cache, reading no post
// whole: with the whole memory budget taken by other work it still
// answers, the same structures as the first sync, which read the posts
// (and is refused NO [LIMIT] in that state).
func TestBodyStructureCached(t *testing.T) {
	b := budget.New(8 << 20)
	e := newEnv(t, func(o *Options) { o.Budget = b; o.BudgetWait = 100 * time.Millisecond })
	e.post(t, "team", message("plain", "one line\r\n"))
	e.post(t, "team", []byte("From: alice@example.test\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n"+
		"--b\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n"))
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	items := &goimap.FetchOptions{UID: true, Envelope: true, BodyStructure: &goimap.FetchItemBodyStructure{Extended: true}}
	sync := func() ([]*imapclient.FetchMessageBuffer, error) {
		return c.Fetch(goimap.SeqSetNum(1, 2), items).Collect()
	}
	release, _ := b.TryTake(8 << 20)
	if _, err := sync(); err == nil {
		t.Fatal("the first sync, which reads the posts whole, answered with the budget spent")
	}
	release()
	first, err := sync()
	if err != nil || len(first) != 2 {
		t.Fatalf("first sync: %v", err)
	}
	if mp, ok := first[1].BodyStructure.(*goimap.BodyStructureMultiPart); !ok || len(mp.Children) != 2 {
		t.Fatalf("the multipart post's structure: %#v", first[1].BodyStructure)
	}
	release, _ = b.TryTake(8 << 20)
	defer release()
	again, err := sync()
	if err != nil || len(again) != 2 {
		t.Fatalf("second sync with the budget spent: %v", err)
	}
	for i := range again {
		if !reflect.DeepEqual(again[i].BodyStructure, first[i].BodyStructure) ||
			!reflect.DeepEqual(again[i].Envelope, first[i].Envelope) {
			t.Errorf("message %d: the cached answer differs from the first", i+1)
		}
	}
}
