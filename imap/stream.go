package imap

import (
	"context"
	"errors"
	"fmt"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"groupd/groups"
)

// A message larger than streamAbove is not loaded whole for FETCH
// BODY[]: its sections are copied from the store in pieces of streamChunk
// through one buffer (issue 16 finding 6). Each piece's query takes what
// it loads from the memory budget for its moment (readCost), the buffer
// is taken for the FETCH. Whatever
// cannot be taken within Options.BudgetWait is answered NO [LIMIT]
// (RFC 5530 §3) before the message's response starts, or ends the
// session when it is under way. A client that stops reading holds only
// the buffer, until Options.WriteTimeout.
const (
	streamAbove = 1 << 20
	streamChunk = 4 << 20
)

var errLimit = &goimap.Error{Type: goimap.StatusResponseTypeNo, Code: goimap.ResponseCodeLimit,
	Text: "The server is busy with other large messages; try again in a moment"}

// holdCost is what loading n bytes of messages whole costs: SQLite's
// copy, the driver's and database/sql's.
func holdCost(n int64) int64 { return 3 * n }

// reserve takes n bytes of the budget, waiting Options.BudgetWait at
// most; NO [LIMIT] when it cannot.
func (s *session) reserve(n int64) (func(), error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.srv.opts.BudgetWait)
	defer cancel()
	began := time.Now()
	r, err := s.srv.opts.Budget.Take(ctx, n)
	if d := time.Since(began); d > 100*time.Millisecond {
		s.log.Debug("FETCH waited for the memory budget", "bytes", n, "waited", d, "ok", err == nil)
	}
	if err != nil {
		b := s.srv.opts.Budget
		s.log.Warn("FETCH refused: the memory budget is spent", "bytes", n, "budget", b.Max(), "used", b.Used())
		return nil, errLimit
	}
	return r, nil
}

// streamable: every item can be answered from the header, the size and
// byte ranges of the message (RFC 3501 §6.4.5 BODY[], BODY[HEADER],
// BODY[TEXT], with <partial>).
func streamable(o *goimap.FetchOptions) bool {
	if o.BodyStructure != nil || len(o.BinarySection) > 0 || len(o.BinarySectionSize) > 0 {
		return false
	}
	for _, bs := range o.BodySection {
		if len(bs.Part) > 0 || len(bs.HeaderFields) > 0 || len(bs.HeaderFieldsNot) > 0 {
			return false
		}
		switch bs.Specifier {
		case goimap.PartSpecifierNone, goimap.PartSpecifierHeader, goimap.PartSpecifierText:
		default:
			return false
		}
	}
	return true
}

// streamer copies sections of one message from the store to the
// client.
type streamer struct {
	s   *session
	m   *groups.ImapMessage // Data is the header, blank line included (head)
	buf []byte
}

// head reads the header of m (nil: gone) from its first piece into
// m.Data, where ENVELOPE and BODY[HEADER] find it. The store's own
// header cut (groups.ImapHeader) would have SQLite read the blob whole
// three times. A header longer than a piece, which SMTP never accepts,
// is cut at the piece.
func (st *streamer) head(m *groups.ImapMessage) error {
	if m == nil {
		return nil
	}
	st.m = m
	// The header is whole in the row's head (groups.ImapMessage.Stored).
	k, err := st.read(0, min(m.Size, m.Stored, int64(len(st.buf))))
	if err == errLimit {
		return err
	}
	if err != nil {
		return st.s.lost(err)
	}
	m.Data = append([]byte(nil), st.buf[:headerEnd(st.buf[:k])]...)
	return nil
}

// section is the byte range [off, off+n) of bs in the message, partial
// applied as bodySection does.
func (st *streamer) section(bs *goimap.FetchItemBodySection) (off, n int64) {
	size, hdr := st.m.Size, int64(len(st.m.Data))
	switch bs.Specifier {
	case goimap.PartSpecifierHeader:
		off, n = 0, hdr
	case goimap.PartSpecifierText:
		off, n = hdr, size-hdr
	default:
		off, n = 0, size
	}
	if p := bs.Partial; p != nil {
		if p.Offset >= n || p.Offset < 0 {
			return 0, 0
		}
		end := p.Offset + p.Size
		if end > n || p.Size < 0 {
			end = n
		}
		off, n = off+p.Offset, end-p.Offset
	}
	return off, n
}

// write answers bs as a literal of its exact size, piece by piece.
func (st *streamer) write(rw *imapserver.FetchResponseWriter, bs *goimap.FetchItemBodySection) error {
	off, n := st.section(bs)
	wc := rw.WriteBodySection(bs, n)
	for n > 0 {
		k, err := st.read(off, min(n, int64(len(st.buf))))
		if err == nil && k == 0 {
			err = errors.New("the message is shorter than its size")
		}
		if err == nil {
			_, err = wc.Write(st.buf[:k])
		}
		if err != nil {
			// The literal's size is said: only closing can end it.
			st.s.log.Warn("FETCH of a large message ended", "uid", st.m.UID, "err", err)
			st.s.conn.NetConn().Close()
			return fmt.Errorf("streaming message %d: %w", st.m.UID, err)
		}
		off, n = off+int64(k), n-int64(k)
	}
	return wc.Close()
}

// readCost is what reading n bytes of m from off loads, for the budget:
// the row's head, which SQLite loads whole when the range touches it,
// and the archive's pieces that the range covers (at most n bytes and
// two pieces more), in SQLite and in the driver's copy, and the copy in
// the buffer. A message archived whole before pieces has its size as
// its head.
func readCost(m *groups.ImapMessage, off, n int64) int64 {
	c := 2*n + 3*groups.ArchivePiece
	if off < m.Stored {
		c += m.Stored
	}
	return c
}

// read reads one piece, with the query's cost taken from the budget.
func (st *streamer) read(off, n int64) (int, error) {
	release, err := st.s.reserve(readCost(st.m, off, n))
	if err != nil {
		return 0, err
	}
	defer release()
	s := st.s
	return s.srv.store.ImapBodyAt(s.ctx, s.actor, s.sel.mb.groupID, st.m.UID, st.buf[:n], off)
}
