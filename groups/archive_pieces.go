package groups

import (
	"bytes"
	"context"
	"fmt"
)

// Large archived messages are kept in pieces (migration 18, issue 16):
// one longer than ArchivePiece keeps its header and first bytes in
// messages.data (the head) and the rest in message_pieces, ArchivePiece
// bytes each (the last shorter), numbered from 1. SQLite's substr()
// loads a value whole, so an IMAP FETCH streaming a 20 MiB message in
// 4 MiB ranges read the 20 MiB five times over; in pieces a range costs
// the pieces it covers. The header is always whole in the head, so the
// header cut (dialect.headerCut) still works on messages.data. Messages
// archived before stay whole: length(data) = size.

// ArchivePiece is the size of a piece of a large archived message.
const ArchivePiece = 1 << 20

// splitPieces cuts data into the head kept in messages.data (at least
// the header, at most ArchivePiece past it) and the pieces after it.
func splitPieces(data []byte) (head []byte, pieces [][]byte) {
	if len(data) <= ArchivePiece {
		return data, nil
	}
	n := max(ArchivePiece, archiveHeaderEnd(data))
	head, rest := data[:n], data[n:]
	for len(rest) > 0 {
		k := min(len(rest), ArchivePiece)
		pieces = append(pieces, rest[:k:k])
		rest = rest[k:]
	}
	return head, pieces
}

// archiveHeaderEnd is the offset just past the blank line that ends the
// header (CRLFCRLF or LFLF, whichever comes first, as headerCut), or 0.
func archiveHeaderEnd(data []byte) int {
	crlf, lf := bytes.Index(data, []byte("\r\n\r\n")), bytes.Index(data, []byte("\n\n"))
	switch {
	case crlf >= 0 && (lf < 0 || crlf < lf):
		return crlf + 4
	case lf >= 0:
		return lf + 2
	}
	return 0
}

// insertPieces stores the pieces of message mid.
func insertPieces(ctx context.Context, q querier, mid int64, pieces [][]byte) error {
	for i, p := range pieces {
		if _, err := q.ExecContext(ctx, `INSERT INTO message_pieces (mid, seq, data) VALUES (?, ?, ?)`,
			mid, i+1, p); err != nil {
			return err
		}
	}
	return nil
}

// wholeMessage is message mid whole: head (its messages.data) followed
// by its pieces when size says it has any.
func wholeMessage(ctx context.Context, q querier, mid int64, head []byte, size int64) ([]byte, error) {
	if int64(len(head)) >= size {
		return head, nil
	}
	out := make([]byte, len(head), size)
	copy(out, head)
	rows, err := q.QueryContext(ctx, `SELECT data FROM message_pieces WHERE mid = ? ORDER BY seq`, mid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p []byte
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p...)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if int64(len(out)) != size {
		return nil, fmt.Errorf("groups: archived message %d has %d of its %d bytes", mid, len(out), size)
	}
	return out, nil
}
