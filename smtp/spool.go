package smtp

import (
	"bytes"
	"errors"
	"io"
	"os"

	gosmtp "github.com/emersion/go-smtp"
)

// spool holds a message as it is read: the first memBytes in memory (the
// header must be there), the rest in an unlinked temporary file, so that
// a large message costs disk, not memory, until something needs it whole
// (issue 16 finding 6). Lines are made to end in CRLF on the way in.
type spool struct {
	head []byte   // the first memBytes bytes at most
	file *os.File // the rest; nil when it all fit in head
	size int64    // head plus file
}

// memBytes is how much of a message stays in memory: a header of
// maxHeaderBytes and its blank line.
const memBytes = maxHeaderBytes + 4

// readSpool reads r (up to limit bytes of input) into a spool in dir
// ("" for the system's temporary directory), normalising line ends
// (toCRLF). sawNUL tells whether the input held a NUL.
func readSpool(r io.Reader, limit int64, dir string) (sp *spool, sawNUL bool, err error) {
	sp = &spool{}
	n := &crlfWriter{sp: sp, dir: dir}
	read, err := io.CopyBuffer(n, io.LimitReader(r, limit+1), make([]byte, 32<<10))
	if err == nil {
		err = n.finish()
	}
	if err != nil {
		sp.close()
		return nil, false, readErr(err, limit)
	}
	if read > limit {
		sp.close()
		return nil, false, errTooLarge(limit)
	}
	return sp, n.nul, nil
}

// readErr maps an error of the DATA reader to the client's answer.
func readErr(err error, limit int64) error {
	var se *gosmtp.SMTPError
	if errors.As(err, &se) {
		if se.Code == 552 {
			return errTooLarge(limit)
		}
		return se
	}
	if errors.Is(err, gosmtp.ErrTooLongLine) {
		return errMalformed("a line of the message is too long (RFC 5321 §4.5.3.1.6)")
	}
	return err
}

// reader reads the message from offset off on.
func (sp *spool) reader(off int64) io.Reader {
	var head io.Reader = bytes.NewReader(nil)
	if off < int64(len(sp.head)) {
		head = bytes.NewReader(sp.head[off:])
	}
	if sp.file == nil {
		return head
	}
	fileOff := max(0, off-int64(len(sp.head)))
	return io.MultiReader(head, io.NewSectionReader(sp.file, fileOff, sp.size-int64(len(sp.head))-fileOff))
}

// bytes is the message from off on, in memory.
func (sp *spool) bytes(off int64) ([]byte, error) {
	if sp.file == nil {
		return sp.head[min(off, int64(len(sp.head))):], nil
	}
	b := make([]byte, 0, max(0, sp.size-off))
	buf := bytes.NewBuffer(b)
	_, err := buf.ReadFrom(sp.reader(off))
	return buf.Bytes(), err
}

// close removes the file.
func (sp *spool) close() {
	if sp != nil && sp.file != nil {
		sp.file.Close()
		sp.file = nil
	}
}

// crlfWriter normalises line ends as toCRLF does, across writes: a bare
// LF or a bare CR becomes CRLF (RFC 5321 §2.3.8).
type crlfWriter struct {
	sp     *spool
	dir    string
	cr     bool // the last byte written was a CR
	nul    bool
	out    []byte
	closed bool
}

func (w *crlfWriter) Write(p []byte) (int, error) {
	w.out = w.out[:0]
	for _, c := range p {
		if w.cr {
			w.cr = false
			w.out = append(w.out, '\r', '\n')
			if c == '\n' {
				continue
			}
		}
		switch c {
		case '\r':
			w.cr = true
		case '\n':
			w.out = append(w.out, '\r', '\n')
		case 0:
			w.nul = true
			w.out = append(w.out, c)
		default:
			w.out = append(w.out, c)
		}
	}
	return len(p), w.emit(w.out)
}

// finish writes a CR left pending at the end as CRLF.
func (w *crlfWriter) finish() error {
	if w.cr {
		w.cr = false
		return w.emit([]byte("\r\n"))
	}
	return nil
}

// emit appends b to head until memBytes, the rest to the file.
func (w *crlfWriter) emit(b []byte) error {
	sp := w.sp
	if room := memBytes - len(sp.head); room > 0 {
		k := min(room, len(b))
		sp.head = append(sp.head, b[:k]...)
		sp.size += int64(k)
		b = b[k:]
	}
	if len(b) == 0 {
		return nil
	}
	if sp.file == nil {
		f, err := os.CreateTemp(w.dir, "groupd-msg-*")
		if err != nil {
			return err
		}
		os.Remove(f.Name()) // unlinked: gone with its last descriptor
		sp.file = f
	}
	_, err := sp.file.Write(b)
	sp.size += int64(len(b))
	return err
}
