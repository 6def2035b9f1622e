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
// without stored records (and is refused NO [LIMIT] in that state). With
// the records, a server started cold answers in that state too.
func TestBodyStructureCached(t *testing.T) {
	b := budget.New(8 << 20)
	e := newEnv(t, func(o *Options) { o.Budget = b; o.BudgetWait = 100 * time.Millisecond })
	e.post(t, "team", message("plain", "one line\r\n"))
	e.post(t, "team", []byte("From: alice@example.test\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n"+
		"--b\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n"))
	db := e.sqlDB(t)
	e.exec(t, db, `DELETE FROM imap_parsed`) // as archived before records were kept
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
	e.exec(t, db, `INSERT INTO imap_text_todo (mid) SELECT mid FROM messages`)
	e.index(t)
	_, addr := serve(t, e.store, func(o *Options) { o.Budget = b; o.BudgetWait = 100 * time.Millisecond })
	cold := *e
	cold.addr = addr
	c = cold.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	stored, err := sync()
	if err != nil || len(stored) != 2 {
		t.Fatalf("a cold server's sync from the records with the budget spent: %v", err)
	}
	for i := range stored {
		if !reflect.DeepEqual(stored[i].BodyStructure, first[i].BodyStructure) ||
			!reflect.DeepEqual(stored[i].Envelope, first[i].Envelope) {
			t.Errorf("message %d: the answer from the records differs from the first", i+1)
		}
	}
}
