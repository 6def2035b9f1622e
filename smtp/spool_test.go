package smtp

import (
	"bytes"
	"strings"
	"testing"

	"groupd/groups"
)

// testRaw and testBody are the spooled message and its body, whole.
func (m *message) testRaw() []byte {
	b, err := m.raw()
	if err != nil {
		panic(err)
	}
	return b
}

func (m *message) testBody() []byte {
	var b bytes.Buffer
	if err := m.writeBody(&b); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func testListCopy(m *message, t *groups.MailTarget, received, prefix, archive string, rw *rewrite) []byte {
	b, err := listCopy(m, t, received, prefix, archive, rw)
	if err != nil {
		panic(err)
	}
	return b
}

// TestSpoolLarge: a message beyond memBytes goes to a file, its line
// ends made CRLF across reads, and reads back whole.
func TestSpoolLarge(t *testing.T) {
	body := strings.Repeat("line of text\n", 300000) + "bare\rcr\r"
	m, err := readMessage(strings.NewReader("Subject: big\n\n"+body), 10<<20, 100, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()
	if m.sp.file == nil || len(m.sp.head) != memBytes {
		t.Fatalf("not spooled: file %v, head %d", m.sp.file, len(m.sp.head))
	}
	want := "Subject: big\r\n\r\n" + strings.ReplaceAll(strings.ReplaceAll(body, "\n", "\r\n"), "\r\r\n", "\r\n")
	want = strings.ReplaceAll(want, "bare\rcr\r", "bare\r\ncr\r\n")
	if got := string(m.testRaw()); got != want || m.size != int64(len(want)) {
		t.Fatalf("read back %d bytes (size %d), want %d", len(got), m.size, len(want))
	}
	if got := string(m.testBody()); got != want[len("Subject: big\r\n"):] {
		t.Fatalf("body of %d bytes", len(got))
	}
}

// TestSpoolHeaderTooLarge: a header without its blank line in the first
// memBytes is refused.
func TestSpoolHeaderTooLarge(t *testing.T) {
	h := strings.Repeat("X-A: "+strings.Repeat("a", 70)+"\r\n", 20000)
	if _, err := readMessage(strings.NewReader(h+"\r\nbody\r\n"), 10<<20, 100000, t.TempDir()); err == nil {
		t.Fatal("a 1.5 MB header was taken")
	}
}

// FuzzSpoolCRLF: the spool's normaliser, fed in two writes split
// anywhere (a CR at the end of one and its LF at the start of the next
// included), gives what toCRLF gives the whole.
func FuzzSpoolCRLF(f *testing.F) {
	f.Add([]byte("a\r\nb\rc\nd\r"), 1)
	f.Add([]byte("x\r\r\n\n\r"), 1)
	f.Add([]byte("\r\n"), 1)
	f.Fuzz(func(t *testing.T, in []byte, split int) {
		split = min(max(split, 0), len(in))
		sp := &spool{}
		w := &crlfWriter{sp: sp} // small inputs: in memory only
		w.Write(in[:split])
		w.Write(in[split:])
		if err := w.finish(); err != nil {
			t.Fatal(err)
		}
		defer sp.close()
		got, err := sp.bytes(0)
		if err != nil {
			t.Fatal(err)
		}
		if want := toCRLF(append([]byte(nil), in...)); !bytes.Equal(got, want) {
			t.Fatalf("%q split at %d: %q, want %q", in, split, got, want)
		}
	})
}
