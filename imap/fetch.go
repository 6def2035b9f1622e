package imap

import (
	"bytes"
	"io"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"groupd/groups"
)

// Fetch answers FETCH and UID FETCH (RFC 3501 §6.4.5). Message bytes come
// from the archive unchanged; fetching a body section without .PEEK sets
// the user's \Seen when the mailbox was SELECTed.
func (s *session) Fetch(w *imapserver.FetchWriter, numSet goimap.NumSet, options *goimap.FetchOptions) error {
	if err := s.checkSelected(); err != nil {
		return err
	}
	sel := s.sel
	pos, withModSeq, err := s.fetchCond(numSet, options)
	if err != nil {
		return err
	}
	defer s.gathered()()
	level := dataLevel(options)
	markSeen := !sel.readOnly && setsSeen(options)
	if s.condstore() && (options.Flags || markSeen) {
		withModSeq = true // RFC 7162 §3.1.4.2: FLAGS come with MODSEQ
	}
	for _, b := range batches(pos, s.srv.opts.FetchBatch) {
		var pre preparsed
		if options.Envelope || options.BodyStructure != nil {
			if pre, err = s.preparse(b, options); err != nil {
				return err
			}
		}
		lvl := level
		if options.BodyStructure != nil && len(pre.structs) == len(b) {
			lvl = dataLevel(withoutStructure(options)) // no need to split by size
		}
		chunks, err := s.bySize(b, lvl)
		if err != nil {
			return err
		}
		for _, c := range chunks {
			if err := s.fetchChunk(w, c, lvl, options, markSeen, withModSeq, pre); err != nil {
				return err
			}
		}
	}
	return nil
}

// fetchChunk loads and writes the messages at the given positions: with
// their cost taken from the memory budget first, or one large message
// streamed (stream.go). pre is what Fetch found of them without reading
// them (preparse); the rest is parsed from the posts.
func (s *session) fetchChunk(w *imapserver.FetchWriter, c chunk, level groups.ImapData, options *goimap.FetchOptions, markSeen, withModSeq bool, pre preparsed) error {
	sel, pos := s.sel, c.pos
	var st *streamer
	pre = pre.of(sel.uidsAt(pos))
	structs, envs := pre.structs, pre.envs
	need := options // the items that need the posts' bytes
	if options.BodyStructure != nil {
		// With every structure known, the posts need not be read whole.
		switch {
		case len(structs) == len(pos):
			need = withoutStructure(options)
			if level = dataLevel(need); level != groups.ImapFullData {
				c.bytes = 0
			}
		case level != groups.ImapFullData:
			// Not known to Fetch for this chunk: read the posts.
			return s.fetchWhole(w, pos, options, markSeen, withModSeq, pre)
		}
	}
	cost := holdCost(c.bytes)
	if level == groups.ImapFullData && len(pos) == 1 && c.bytes > streamAbove && streamable(options) {
		st = &streamer{s: s}
		level, cost = groups.ImapNoData, streamChunk // the buffer; each piece's query takes its own
	}
	if cost > 0 {
		release, err := s.reserve(cost)
		if err != nil {
			return err
		}
		defer release()
	}
	if st != nil {
		st.buf = make([]byte, streamChunk)
	}
	if options.Envelope && level == groups.ImapHeader && onlyEnvelope(need) && len(envs) == len(pos) {
		level = groups.ImapNoData // every envelope known: the headers need not be read
	}
	msgs, err := s.load(pos, level)
	if err != nil {
		return err
	}
	if st != nil {
		if err := st.head(msgs[sel.uids[pos[0]]]); err != nil {
			return err
		}
	}
	if markSeen {
		if err := s.markSeen(msgs); err != nil {
			return err
		}
	}
	if options.Envelope {
		s.envelopes(msgs, envs)
	}
	if options.BodyStructure != nil {
		s.structures(msgs, structs)
	}
	for _, p := range pos {
		m := msgs[sel.uids[p]]
		if m == nil {
			continue // gone under us: a purge, answered by BYE next
		}
		if withModSeq {
			s.cond().fetchModSeq(uint32(p+1), m.ModSeq)
		}
		rw := w.CreateMessage(uint32(p + 1))
		if err := writeMessage(rw, m, envs[m.UID], structs[m.UID], options, markSeen, st); err != nil {
			s.abandon(rw)
			return err
		}
	}
	return nil
}

// chunk is a run of message positions and the bytes of their data
// (0 when the FETCH needs no whole messages).
type chunk struct {
	pos   []int
	bytes int64
}

// bySize splits a batch that needs whole messages into runs of at most
// Options.FetchBytes (at least one message each; a message of more than
// streamAbove alone), so that a FETCH of many large posts holds little
// memory at a time.
func (s *session) bySize(b []int, level groups.ImapData) ([]chunk, error) {
	if level != groups.ImapFullData {
		return []chunk{{pos: b}}, nil
	}
	meta, err := s.load(b, groups.ImapNoData)
	if err != nil {
		return nil, err
	}
	var out []chunk
	var run chunk
	for _, p := range b {
		n := int64(0)
		if m := meta[s.sel.uids[p]]; m != nil {
			n = m.Size
		}
		if len(run.pos) > 0 && (run.bytes+n > s.srv.opts.FetchBytes || n > streamAbove || run.bytes > streamAbove) {
			out, run = append(out, run), chunk{}
		}
		run.pos = append(run.pos, p)
		run.bytes += n
	}
	if len(run.pos) > 0 {
		out = append(out, run)
	}
	return out, nil
}

// load reads the messages at the given positions (ascending) by UID
// range, or by their UIDs when they are few in a long range (as FETCH
// CHANGEDSINCE and flag changes find them).
func (s *session) load(pos []int, level groups.ImapData) (map[uint32]*groups.ImapMessage, error) {
	list, err := s.srv.store.ImapMessages(s.ctx, s.actor, s.sel.mb.groupID, s.query(pos, level))
	if err != nil {
		return nil, s.lost(err)
	}
	out := make(map[uint32]*groups.ImapMessage, len(list))
	for i := range list {
		out[list[i].UID] = &list[i]
	}
	return out, nil
}

// query selects the messages at the given positions (ascending) by UID
// range, or by their UIDs when they are few in a long range.
func (s *session) query(pos []int, level groups.ImapData) groups.ImapQuery {
	sel := s.sel
	q := groups.ImapQuery{Min: sel.uids[pos[0]], Max: sel.uids[pos[len(pos)-1]],
		Limit: pos[len(pos)-1] - pos[0] + 1, Data: level}
	if q.Limit > 2*len(pos)+16 && len(pos) <= 1000 {
		q.UIDs, q.Limit = sel.uidsAt(pos), len(pos)
	}
	return q
}

// markSeen sets \Seen on the loaded messages that lack it, in one write.
func (s *session) markSeen(msgs map[uint32]*groups.ImapMessage) error {
	var uids []uint32
	for uid, m := range msgs {
		if !hasFlag(m.Flags, groups.ImapSeen) {
			uids = append(uids, uid)
		}
	}
	if len(uids) == 0 {
		return nil
	}
	got, err := s.srv.store.ImapStoreFlagsIf(s.ctx, s.actor, s.sel.mb.groupID, uids, groups.ImapStoreOptions{},
		changeFlags(flagsAdd, []string{groups.ImapSeen}))
	if err != nil {
		return s.lost(err)
	}
	for uid, f := range got.Flags {
		msgs[uid].Flags, msgs[uid].ModSeq = f, got.ModSeq[uid]
		s.sel.ownStore(got.ModSeq[uid])
	}
	return nil
}

// fetchWhole answers the messages at pos reading them whole, split by
// size as Fetch does.
func (s *session) fetchWhole(w *imapserver.FetchWriter, pos []int, options *goimap.FetchOptions, markSeen, withModSeq bool, pre preparsed) error {
	chunks, err := s.bySize(pos, groups.ImapFullData)
	if err != nil {
		return err
	}
	for _, c := range chunks {
		if err := s.fetchChunk(w, c, groups.ImapFullData, options, markSeen, withModSeq, pre); err != nil {
			return err
		}
	}
	return nil
}

// withoutStructure is o without BODYSTRUCTURE, for the data the other
// items need when every structure is cached.
func withoutStructure(o *goimap.FetchOptions) *goimap.FetchOptions {
	c := *o
	c.BodyStructure = nil
	return &c
}

// onlyEnvelope: nothing but the envelope needs the message's bytes.
func onlyEnvelope(o *goimap.FetchOptions) bool {
	return o.Envelope && o.BodyStructure == nil && len(o.BodySection) == 0 &&
		len(o.BinarySection) == 0 && len(o.BinarySectionSize) == 0
}

// dataLevel is how much of each message the items need: ENVELOPE and
// BODY[HEADER...] of the top level need only the header.
func dataLevel(o *goimap.FetchOptions) groups.ImapData {
	if o.BodyStructure != nil || len(o.BinarySection) > 0 || len(o.BinarySectionSize) > 0 {
		return groups.ImapFullData
	}
	level := groups.ImapNoData
	if o.Envelope {
		level = groups.ImapHeader
	}
	for _, bs := range o.BodySection {
		if len(bs.Part) > 0 || bs.Specifier != goimap.PartSpecifierHeader {
			return groups.ImapFullData
		}
		level = groups.ImapHeader
	}
	return level
}

func setsSeen(o *goimap.FetchOptions) bool {
	for _, bs := range o.BodySection {
		if !bs.Peek {
			return true
		}
	}
	for _, bs := range o.BinarySection {
		if !bs.Peek {
			return true
		}
	}
	return false
}

// abandon ends a FETCH response that failed half-way (the client went
// away or stopped reading past Options.WriteTimeout). A literal whose size
// was announced cannot be ended but by closing the connection; and the
// response must still be closed, which gives back the connection's
// encoder: left held, every later answer on the connection (the FETCH's
// own tagged NO, the BYE of a shutdown) waited for it forever, and the
// session never ended (found by bench/soak.sh -abuse).
func (s *session) abandon(rw *imapserver.FetchResponseWriter) {
	s.conn.NetConn().Close()
	rw.Close() // fails at once on the closed connection; "already closed" after a failed Close
}

// writeMessage writes one message's FETCH response; with st set, its body
// sections are streamed (only when streamable(o)).
func writeMessage(rw *imapserver.FetchResponseWriter, m *groups.ImapMessage, env *goimap.Envelope, bs goimap.BodyStructure, o *goimap.FetchOptions, flags bool, st *streamer) error {
	rw.WriteUID(goimap.UID(m.UID))
	if o.Flags || flags {
		rw.WriteFlags(toFlags(m.Flags))
	}
	if o.InternalDate {
		rw.WriteInternalDate(m.Received)
	}
	if o.RFC822Size {
		rw.WriteRFC822Size(m.Size)
	}
	if o.Envelope {
		rw.WriteEnvelope(env)
	}
	if o.BodyStructure != nil {
		rw.WriteBodyStructure(bs)
	}
	for _, bs := range o.BodySection {
		if st != nil {
			if err := st.write(rw, bs); err != nil {
				return err
			}
			continue
		}
		buf := bodySection(m.Data, bs)
		if err := writeLiteral(rw.WriteBodySection(bs, int64(len(buf))), buf); err != nil {
			return err
		}
	}
	for _, bs := range o.BinarySection {
		buf := imapserver.ExtractBinarySection(bytes.NewReader(m.Data), bs)
		if err := writeLiteral(rw.WriteBinarySection(bs, int64(len(buf))), buf); err != nil {
			return err
		}
	}
	for _, bss := range o.BinarySectionSize {
		rw.WriteBinarySectionSize(bss, imapserver.ExtractBinarySectionSize(bytes.NewReader(m.Data), bss))
	}
	return rw.Close()
}

func writeLiteral(wc io.WriteCloser, buf []byte) error {
	_, err := wc.Write(buf)
	if cerr := wc.Close(); err == nil {
		err = cerr
	}
	return err
}
