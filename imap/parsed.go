package imap

import (
	"bytes"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"groupd/groups"
)

// ParseForStore is groups.Options.ImapParse: a post's ENVELOPE and
// BODYSTRUCTURE (RFC 3501 §7.4.2), parsed as FETCH parses them and
// encoded (parsedenc.go), which the index worker stores once per post.
// A server started cold then answers a client's first sync from these
// small records instead of reading and parsing every post (issue 14).
// A parse that panics gives nil records: the post is parsed when
// fetched, as before records were kept.
func ParseForStore(raw []byte) (env, structure []byte) {
	defer func() {
		if recover() != nil {
			env, structure = nil, nil
		}
	}()
	return encodeEnvelope(envelope(raw)), encodeStructure(parseStructure(raw))
}

// parseStructure is the BODYSTRUCTURE of a whole post.
func parseStructure(raw []byte) goimap.BodyStructure {
	bs := imapserver.ExtractBodyStructure(bytes.NewReader(raw))
	fillEmptyMultiparts(bs)
	return bs
}

// fillEmptyMultiparts gives a multipart in which no part was found (no
// boundary parameter, or none of its lines) one empty text/plain part:
// RFC 3501 §9's body-type-mpart has at least one body, and imapserver
// panics writing one without, which ended the client's connection on
// every sync of the mailbox.
func fillEmptyMultiparts(bs goimap.BodyStructure) {
	switch bs := bs.(type) {
	case *goimap.BodyStructureMultiPart:
		if len(bs.Children) == 0 {
			bs.Children = []goimap.BodyStructure{&goimap.BodyStructureSinglePart{Type: "text", Subtype: "plain",
				Params: map[string]string{"charset": "us-ascii"}, Text: &goimap.BodyStructureText{},
				Extended: &goimap.BodyStructureSinglePartExt{}}}
		}
		for _, c := range bs.Children {
			fillEmptyMultiparts(c)
		}
	case *goimap.BodyStructureSinglePart:
		if bs.MessageRFC822 != nil {
			fillEmptyMultiparts(bs.MessageRFC822.BodyStructure)
		}
	}
}

// preparsed is what is known of a FETCH batch's messages without
// reading them, by UID.
type preparsed struct {
	envs    map[uint32]*goimap.Envelope
	structs map[uint32]goimap.BodyStructure
	n       int // how many messages it is of
}

// preparse gathers, for the messages at pos, the ENVELOPE and
// BODYSTRUCTURE that options ask for, from the server's caches and, for
// those the caches lack, from the records stored when the posts were
// indexed (decoded and cached). What neither has is parsed from the
// posts by fetchChunk, as when no records were kept.
func (s *session) preparse(pos []int, options *goimap.FetchOptions) (preparsed, error) {
	sel := s.sel
	p := preparsed{n: len(pos)}
	uids := sel.uidsAt(pos)
	wantEnv, wantBS := options.Envelope, options.BodyStructure != nil
	if wantEnv {
		p.envs = s.srv.envs.lookup(sel.mb.groupID, uids)
	}
	if wantBS {
		p.structs = s.srv.structs.lookup(sel.mb.groupID, uids)
	}
	var missing []int
	lacks := map[uint32]bool{}
	for i, u := range uids {
		_, env := p.envs[u]
		_, bs := p.structs[u]
		if wantEnv && !env || wantBS && !bs {
			missing, lacks[u] = append(missing, pos[i]), true
		}
	}
	if len(missing) == 0 {
		return p, nil
	}
	recs, err := s.srv.store.ImapParsedRecords(s.ctx, s.actor, sel.mb.groupID, s.query(missing, groups.ImapNoData))
	if err != nil {
		return p, s.lost(err)
	}
	for _, r := range recs {
		if !lacks[r.UID] {
			continue // in the range read, but cached or not fetched
		}
		if _, ok := p.envs[r.UID]; wantEnv && !ok {
			if env, err := decodeEnvelope(r.Envelope); err == nil {
				p.envs[r.UID] = env
				s.srv.envs.put(sel.mb.groupID, r.UID, env)
			}
		}
		if _, ok := p.structs[r.UID]; wantBS && !ok {
			if bs, err := decodeStructure(r.Structure); err == nil {
				p.structs[r.UID] = bs
				s.srv.structs.put(sel.mb.groupID, r.UID, bs)
			}
		}
	}
	return p, nil
}

// of is the part of p for the UIDs given (some or all of those it is
// of), in maps of their own: fetchChunk counts their entries, and adds
// what it parses to them. p itself when they are all of them, as when
// a batch is one chunk.
func (p preparsed) of(uids []uint32) preparsed {
	if len(uids) == p.n {
		return p
	}
	out := preparsed{n: len(uids)}
	if p.envs != nil {
		out.envs = make(map[uint32]*goimap.Envelope, len(uids))
	}
	if p.structs != nil {
		out.structs = make(map[uint32]goimap.BodyStructure, len(uids))
	}
	for _, u := range uids {
		if e, ok := p.envs[u]; ok {
			out.envs[u] = e
		}
		if bs, ok := p.structs[u]; ok {
			out.structs[u] = bs
		}
	}
	return out
}
