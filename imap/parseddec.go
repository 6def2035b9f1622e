package imap

import (
	"encoding/binary"
	"errors"
	"time"

	goimap "github.com/emersion/go-imap/v2"
)

// errRecord is a stored record that is not of parsedVersion or does not
// decode: the post is parsed instead.
var errRecord = errors.New("imap: stored parse record unusable")

// maxDepth bounds the nesting a record may describe (message/rfc822 in
// multipart in …); deeper is refused rather than recursed into.
const maxDepth = 100

// decodeEnvelope is the ENVELOPE of a record encodeEnvelope wrote.
func decodeEnvelope(b []byte) (*goimap.Envelope, error) {
	r, err := newDecoder(b)
	if err != nil {
		return nil, err
	}
	env := r.envelope()
	return env, r.done()
}

// decodeStructure is the BODYSTRUCTURE of a record encodeStructure wrote.
func decodeStructure(b []byte) (goimap.BodyStructure, error) {
	r, err := newDecoder(b)
	if err != nil {
		return nil, err
	}
	bs := r.structure(0)
	if err := r.done(); err != nil {
		return nil, err
	}
	if bs == nil {
		return nil, errRecord // a top level always has one
	}
	return bs, nil
}

// decoder reads a record; the first error sticks and every later read
// gives zero values, so that callers check once, at done.
type decoder struct {
	b   []byte
	bad bool
}

func newDecoder(b []byte) (*decoder, error) {
	if len(b) == 0 || b[0] != parsedVersion {
		return nil, errRecord
	}
	return &decoder{b: b[1:]}, nil
}

func (r *decoder) done() error {
	if r.bad || len(r.b) != 0 {
		return errRecord
	}
	return nil
}

func (r *decoder) fail() { r.bad, r.b = true, nil }

func (r *decoder) uint() uint64 {
	n, k := binary.Uvarint(r.b)
	if k <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[k:]
	return n
}

func (r *decoder) int() int64 {
	n, k := binary.Varint(r.b)
	if k <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[k:]
	return n
}

func (r *decoder) bool() bool {
	if len(r.b) == 0 || r.b[0] > 1 {
		r.fail()
		return false
	}
	v := r.b[0] == 1
	r.b = r.b[1:]
	return v
}

func (r *decoder) str() string {
	n := r.uint()
	if n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// listLen is a list's length and whether it is nil; a length the rest of
// the record cannot hold (each element takes a byte at least) fails.
func (r *decoder) listLen() (int, bool) {
	n := r.uint()
	if n == 0 {
		return 0, true
	}
	if n-1 > uint64(len(r.b)) {
		r.fail()
		return 0, true
	}
	return int(n - 1), false
}

func (r *decoder) strs() []string {
	n, isNil := r.listLen()
	if isNil {
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = r.str()
	}
	return l
}

func (r *decoder) params() map[string]string {
	n, isNil := r.listLen()
	if isNil {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := r.str()
		m[k] = r.str()
	}
	return m
}

func (r *decoder) addresses() []goimap.Address {
	n, isNil := r.listLen()
	if isNil {
		return nil
	}
	l := make([]goimap.Address, n)
	for i := range l {
		l[i] = goimap.Address{Name: r.str(), Mailbox: r.str(), Host: r.str()}
	}
	return l
}

func (r *decoder) envelope() *goimap.Envelope {
	if !r.bool() {
		return nil
	}
	env := &goimap.Envelope{}
	if r.bool() {
		sec, nsec, off := r.int(), r.uint(), r.int()
		if nsec >= 1e9 || off <= -86400 || off >= 86400 {
			r.fail()
			return nil
		}
		env.Date = time.Unix(sec, int64(nsec)).In(zoneOf(int(off)))
	}
	env.Subject = r.str()
	env.From, env.Sender, env.ReplyTo = r.addresses(), r.addresses(), r.addresses()
	env.To, env.Cc, env.Bcc = r.addresses(), r.addresses(), r.addresses()
	env.InReplyTo = r.strs()
	env.MessageID = r.str()
	return env
}

func (r *decoder) structure(depth int) goimap.BodyStructure {
	if len(r.b) == 0 || depth > maxDepth {
		r.fail()
		return nil
	}
	tag := r.b[0]
	r.b = r.b[1:]
	switch tag {
	case bsNil:
		return nil
	case bsSingle:
		return r.single(depth)
	case bsMulti:
		return r.multi(depth)
	}
	r.fail()
	return nil
}

func (r *decoder) single(depth int) *goimap.BodyStructureSinglePart {
	bs := &goimap.BodyStructureSinglePart{Type: r.str(), Subtype: r.str(), Params: r.params(),
		ID: r.str(), Description: r.str(), Encoding: r.str()}
	size := r.uint()
	if size > 1<<32-1 {
		r.fail()
	}
	bs.Size = uint32(size)
	if r.bool() {
		m := &goimap.BodyStructureMessageRFC822{Envelope: r.envelope()}
		m.BodyStructure = r.structure(depth + 1)
		m.NumLines = r.int()
		bs.MessageRFC822 = m
	}
	if r.bool() {
		bs.Text = &goimap.BodyStructureText{NumLines: r.int()}
	}
	if r.bool() {
		bs.Extended = &goimap.BodyStructureSinglePartExt{Disposition: r.disposition(), Language: r.strs(), Location: r.str()}
	}
	return bs
}

func (r *decoder) multi(depth int) *goimap.BodyStructureMultiPart {
	bs := &goimap.BodyStructureMultiPart{}
	n, isNil := r.listLen()
	if !isNil {
		bs.Children = make([]goimap.BodyStructure, n)
		for i := range bs.Children {
			bs.Children[i] = r.structure(depth + 1)
		}
	}
	bs.Subtype = r.str()
	if r.bool() {
		bs.Extended = &goimap.BodyStructureMultiPartExt{Params: r.params(), Disposition: r.disposition(),
			Language: r.strs(), Location: r.str()}
	}
	return bs
}

func (r *decoder) disposition() *goimap.BodyStructureDisposition {
	if !r.bool() {
		return nil
	}
	return &goimap.BodyStructureDisposition{Value: r.str(), Params: r.params()}
}
