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
	defer s.gathered()()
	sel := s.sel
	level := dataLevel(options)
	markSeen := !sel.readOnly && setsSeen(options)
	for _, b := range batches(sel.indices(numSet), s.srv.opts.FetchBatch) {
		chunks, err := s.bySize(b, level)
		if err != nil {
			return err
		}
		for _, chunk := range chunks {
			if err := s.fetchChunk(w, chunk, level, options, markSeen); err != nil {
				return err
			}
		}
	}
	return nil
}

// fetchChunk loads and writes the messages at the given positions.
func (s *session) fetchChunk(w *imapserver.FetchWriter, pos []int, level groups.ImapData, options *goimap.FetchOptions, markSeen bool) error {
	sel := s.sel
	var envs map[uint32]*goimap.Envelope
	if options.Envelope {
		// Taken from the cache before loading: with every one there, the
		// headers need not be read (nor can an entry vanish meanwhile).
		envs = s.srv.envs.lookup(sel.mb.groupID, sel.uidsAt(pos))
		if level == groups.ImapHeader && onlyEnvelope(options) && len(envs) == len(pos) {
			level = groups.ImapNoData
		}
	}
	msgs, err := s.load(pos, level)
	if err != nil {
		return err
	}
	if markSeen {
		if err := s.markSeen(msgs); err != nil {
			return err
		}
	}
	if options.Envelope {
		s.envelopes(msgs, envs)
	}
	for _, p := range pos {
		m := msgs[sel.uids[p]]
		if m == nil {
			continue // gone under us: a purge, answered by BYE next
		}
		if err := writeMessage(w.CreateMessage(uint32(p+1)), m, envs[m.UID], options, markSeen); err != nil {
			return err
		}
	}
	return nil
}

// bySize splits a batch that needs whole messages into runs of at most
// Options.FetchBytes (at least one message each), so that a FETCH of many
// large posts holds little memory at a time.
func (s *session) bySize(b []int, level groups.ImapData) ([][]int, error) {
	if level != groups.ImapFullData {
		return [][]int{b}, nil
	}
	meta, err := s.load(b, groups.ImapNoData)
	if err != nil {
		return nil, err
	}
	var out [][]int
	var run []int
	var size int64
	for _, p := range b {
		n := int64(0)
		if m := meta[s.sel.uids[p]]; m != nil {
			n = m.Size
		}
		if len(run) > 0 && size+n > s.srv.opts.FetchBytes {
			out, run, size = append(out, run), nil, 0
		}
		run = append(run, p)
		size += n
	}
	if len(run) > 0 {
		out = append(out, run)
	}
	return out, nil
}

// load reads the messages at the given positions (ascending) by UID range.
func (s *session) load(pos []int, level groups.ImapData) (map[uint32]*groups.ImapMessage, error) {
	sel := s.sel
	q := groups.ImapQuery{Min: sel.uids[pos[0]], Max: sel.uids[pos[len(pos)-1]],
		Limit: pos[len(pos)-1] - pos[0] + 1, Data: level}
	list, err := s.srv.store.ImapMessages(s.ctx, s.actor, sel.mb.groupID, q)
	if err != nil {
		return nil, s.lost(err)
	}
	out := make(map[uint32]*groups.ImapMessage, len(list))
	for i := range list {
		out[list[i].UID] = &list[i]
	}
	return out, nil
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
	got, err := s.srv.store.ImapStoreFlags(s.ctx, s.actor, s.sel.mb.groupID, uids, groups.ImapFlagsAdd, []string{groups.ImapSeen})
	if err != nil {
		return s.lost(err)
	}
	for uid, f := range got {
		msgs[uid].Flags = f
	}
	return nil
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

func writeMessage(rw *imapserver.FetchResponseWriter, m *groups.ImapMessage, env *goimap.Envelope, o *goimap.FetchOptions, flags bool) error {
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
		rw.WriteBodyStructure(imapserver.ExtractBodyStructure(bytes.NewReader(m.Data)))
	}
	for _, bs := range o.BodySection {
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
