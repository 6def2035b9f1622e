package groups

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"testing"
	"time"
)

// bigMessage is a message of about n bytes, its text in base64, with
// word in the text at 900 KiB: within what search indexes (the first MiB
// of text, searchtext.MaxText) but past the first MiB of the message, in
// a piece.
func bigMessage(n int, word string) []byte {
	var text bytes.Buffer
	for i := 0; text.Len() < n*3/4; i++ {
		if text.Len() >= 900<<10 && word != "" {
			text.WriteString(word + "\r\n")
			word = ""
		}
		fmt.Fprintf(&text, "line %07d of a large post, to be read back in pieces\r\n", i)
	}
	var b bytes.Buffer
	b.WriteString("From: alice@example.test\r\nSubject: big\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(text.Bytes())
	for len(enc) > 0 {
		k := min(len(enc), 76)
		b.WriteString(enc[:k] + "\r\n")
		enc = enc[k:]
	}
	return b.Bytes()
}

// A post longer than a piece is stored in pieces (the header whole in
// the row) and reads back byte for byte on every path: the whole
// message, IMAP's full data, any range, the queue's copy, the search
// text of its last piece; a purge removes its pieces.
func TestArchivePiecesReadBack(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test", "bob@example.test")
	alice := user("alice@example.test")
	mustGroup(t, s, alice, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false),
		Members: []string{"bob@example.test"}})
	data := bigMessage(3*ArchivePiece+ArchivePiece/2, "Quagga")
	p := &Post{List: "team@lists.example.test", Sender: "alice@example.test", Data: data}
	if err := s.AcceptPosts(ctx, []*Post{p}); err != nil || p.Err != nil {
		t.Fatal(err, p.Err)
	}
	var pieces int
	if err := s.rdb.QueryRow(`SELECT COUNT(*) FROM message_pieces`).Scan(&pieces); err != nil || pieces != 3 {
		t.Fatalf("%d pieces (%v), want 3", pieces, err)
	}
	whole, err := s.ArchivedMessage(ctx, alice, "team", p.ArchiveUID)
	if err != nil || !bytes.Equal(whole.Data, data) || whole.Size != int64(len(data)) {
		t.Fatalf("archived message differs (%v)", err)
	}
	ms, err := s.ImapMessages(ctx, alice, "team", ImapQuery{Data: ImapFullData})
	if err != nil || len(ms) != 1 || !bytes.Equal(ms[0].Data, data) || ms[0].Stored != ArchivePiece {
		t.Fatalf("IMAP full data differs or stored %d (%v)", ms[0].Stored, err)
	}
	checkRanges(t, s, alice, uint32(p.ArchiveUID), data)
	unbundleAll(t, s)
	items, err := s.DueOutbound(ctx, time.Now().Add(time.Hour), 10, 0, nil)
	if err != nil || len(items) == 0 {
		t.Fatalf("queue %v %v", items, err)
	}
	out, err := s.LoadOutbound(ctx, items[0].OID)
	if err != nil || !bytes.Equal(out.Data, data) {
		t.Fatalf("the queue's copy differs (%v)", err)
	}
	if n, err := s.OutboundSize(ctx, items[0].OID); err != nil || n != int64(len(data)) {
		t.Fatalf("outbound size %d %v", n, err)
	}
	// The indexer's path (IndexArchive), then a search's own (backfill).
	if n, err := s.IndexArchive(ctx, 10); err != nil || n != 1 {
		t.Fatalf("indexed %d %v", n, err)
	}
	for range 2 {
		hits, err := s.ImapTextMatches(ctx, alice, "team", "quagga", false)
		if err != nil || !hits[uint32(p.ArchiveUID)] {
			t.Fatalf("a word of a piece is not found: %v %v", hits, err)
		}
		if _, err := s.wdb.Exec(`DELETE FROM imap_text`); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Purge(ctx, alice, "team", []string{FeatureMessage}); err != nil {
		t.Fatal(err)
	}
	if err := s.rdb.QueryRow(`SELECT COUNT(*) FROM message_pieces`).Scan(&pieces); err != nil || pieces != 0 {
		t.Fatalf("%d pieces left after the purge (%v)", pieces, err)
	}
}

// checkRanges reads ranges of uid that start and end in the head, in a
// piece, across their bounds and at the end, and compares them with data.
func checkRanges(t *testing.T, s *Store, a Actor, uid uint32, data []byte) {
	t.Helper()
	size := int64(len(data))
	for _, r := range [][2]int64{{0, 100}, {ArchivePiece - 10, 20}, {ArchivePiece, 4 << 20},
		{ArchivePiece + 5, 2*ArchivePiece + 7}, {3 * ArchivePiece, 1 << 20}, {size - 3, 100},
		{10, size}, {size, 10}} {
		buf := make([]byte, r[1])
		n, err := s.ImapBodyAt(context.Background(), a, "team", uid, buf, r[0])
		want := data[min(r[0], size):min(r[0]+r[1], size)]
		if err != nil || !bytes.Equal(buf[:n], want) {
			t.Fatalf("range %d+%d: %d bytes, want %d (%v)", r[0], r[1], n, len(want), err)
		}
	}
}

// A message archived whole before pieces existed (or through the
// import path) still reads back on every path.
func TestArchivePiecesOldWholeRow(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	mustGroup(t, s, alice, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false)})
	data := bigMessage(2*ArchivePiece+123, "Okapi")
	uid, err := s.ArchiveMessage(ctx, "team", time.Now(), "", data)
	if err != nil {
		t.Fatal(err)
	}
	checkRanges(t, s, alice, uint32(uid), data)
	// As migration 18 found it: the row whole, no pieces.
	if _, err := s.wdb.Exec(`DELETE FROM message_pieces`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.wdb.Exec(`UPDATE messages SET data = ?`, data); err != nil {
		t.Fatal(err)
	}
	checkRanges(t, s, alice, uint32(uid), data)
	ms, err := s.ImapMessages(ctx, alice, "team", ImapQuery{Data: ImapFullData})
	if err != nil || len(ms) != 1 || !bytes.Equal(ms[0].Data, data) || ms[0].Stored != int64(len(data)) {
		t.Fatalf("IMAP full data of a whole row differs (%v)", err)
	}
}

// splitPieces keeps a header longer than a piece whole in the head.
func TestSplitPiecesLongHeader(t *testing.T) {
	hdr := "X-Long: " + string(bytes.Repeat([]byte("a"), ArchivePiece+10)) + "\r\n\r\n"
	data := append([]byte(hdr), bytes.Repeat([]byte("b"), ArchivePiece+1)...)
	head, pieces := splitPieces(data)
	if len(head) != len(hdr) || len(pieces) != 2 || len(pieces[0]) != ArchivePiece || len(pieces[1]) != 1 {
		t.Fatalf("head %d, pieces %d", len(head), len(pieces))
	}
	if !bytes.Equal(bytes.Join(append([][]byte{head}, pieces...), nil), data) {
		t.Fatal("the pieces do not make the message")
	}
}
