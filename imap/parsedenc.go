package imap

import (
	"encoding/binary"
	"maps"
	"slices"
	"time"

	goimap "github.com/emersion/go-imap/v2"
)

// parsedVersion is the first byte of every stored record (groups'
// imap_parsed, see parsed.go). A change of the encoding, or of what the
// parse makes of a post, takes the next value: records of another
// version are ignored (the post is parsed again), never misread.
const parsedVersion = 1

// The encoding is compact and positional, decoded without reflection: a
// cold sync decodes one record of each per post. Every field of
// goimap.Envelope and BodyStructure is kept, with nil told apart from
// empty where imapserver writes them differently (a nil Sender or
// Reply-To is written as From, RFC 3501 §7.4.2). Strings and lists carry
// their length as a uvarint; a list or pointer that may be nil carries
// its length plus one, 0 for nil.

// encodeEnvelope is env's record.
func encodeEnvelope(env *goimap.Envelope) []byte {
	w := &encoder{b: make([]byte, 0, 256)}
	w.b = append(w.b, parsedVersion)
	w.envelope(env)
	return w.b
}

// encodeStructure is bs's record.
func encodeStructure(bs goimap.BodyStructure) []byte {
	w := &encoder{b: make([]byte, 0, 128)}
	w.b = append(w.b, parsedVersion)
	w.structure(bs)
	return w.b
}

type encoder struct{ b []byte }

func (w *encoder) uint(n uint64) { w.b = binary.AppendUvarint(w.b, n) }
func (w *encoder) int(n int64)   { w.b = binary.AppendVarint(w.b, n) }
func (w *encoder) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

func (w *encoder) str(s string) {
	w.uint(uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *encoder) strs(l []string) {
	w.listLen(l == nil, len(l))
	for _, s := range l {
		w.str(s)
	}
}

func (w *encoder) listLen(isNil bool, n int) {
	if isNil {
		w.uint(0)
	} else {
		w.uint(uint64(n) + 1)
	}
}

// params in key order: imapserver sorts them when it writes.
func (w *encoder) params(m map[string]string) {
	w.listLen(m == nil, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		w.str(k)
		w.str(m[k])
	}
}

func (w *encoder) envelope(env *goimap.Envelope) {
	w.bool(env != nil)
	if env == nil {
		return
	}
	w.bool(!env.Date.IsZero())
	if !env.Date.IsZero() {
		_, off := env.Date.Zone()
		w.int(env.Date.Unix())
		w.uint(uint64(env.Date.Nanosecond()))
		w.int(int64(off))
	}
	w.str(env.Subject)
	for _, l := range [][]goimap.Address{env.From, env.Sender, env.ReplyTo, env.To, env.Cc, env.Bcc} {
		w.listLen(l == nil, len(l))
		for _, a := range l {
			w.str(a.Name)
			w.str(a.Mailbox)
			w.str(a.Host)
		}
	}
	w.strs(env.InReplyTo)
	w.str(env.MessageID)
}

// Tags of a body structure's kind.
const (
	bsNil = iota
	bsSingle
	bsMulti
)

func (w *encoder) structure(bs goimap.BodyStructure) {
	switch bs := bs.(type) {
	case *goimap.BodyStructureSinglePart:
		w.b = append(w.b, bsSingle)
		w.single(bs)
	case *goimap.BodyStructureMultiPart:
		w.b = append(w.b, bsMulti)
		w.multi(bs)
	default:
		w.b = append(w.b, bsNil)
	}
}

func (w *encoder) single(bs *goimap.BodyStructureSinglePart) {
	w.str(bs.Type)
	w.str(bs.Subtype)
	w.params(bs.Params)
	w.str(bs.ID)
	w.str(bs.Description)
	w.str(bs.Encoding)
	w.uint(uint64(bs.Size))
	w.bool(bs.MessageRFC822 != nil)
	if m := bs.MessageRFC822; m != nil {
		w.envelope(m.Envelope)
		w.structure(m.BodyStructure)
		w.int(m.NumLines)
	}
	w.bool(bs.Text != nil)
	if bs.Text != nil {
		w.int(bs.Text.NumLines)
	}
	w.bool(bs.Extended != nil)
	if x := bs.Extended; x != nil {
		w.disposition(x.Disposition)
		w.strs(x.Language)
		w.str(x.Location)
	}
}

func (w *encoder) multi(bs *goimap.BodyStructureMultiPart) {
	w.listLen(bs.Children == nil, len(bs.Children))
	for _, c := range bs.Children {
		w.structure(c)
	}
	w.str(bs.Subtype)
	w.bool(bs.Extended != nil)
	if x := bs.Extended; x != nil {
		w.params(x.Params)
		w.disposition(x.Disposition)
		w.strs(x.Language)
		w.str(x.Location)
	}
}

func (w *encoder) disposition(d *goimap.BodyStructureDisposition) {
	w.bool(d != nil)
	if d != nil {
		w.str(d.Value)
		w.params(d.Params)
	}
}

// zoneOf is a fixed zone of the offset, as time.Parse makes for a
// numeric zone: ENVELOPE writes the date with its offset (-0700).
func zoneOf(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	return time.FixedZone("", off)
}
