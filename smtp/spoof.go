package smtp

import (
	"context"
	"net"
	"net/netip"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// Anti-spoofing of the inbound listener (SPEC §4): a sender that claims
// one of the internal domains is believed only when the connection comes
// from a trusted network (the organisation's MTA) or the message carries a
// passing DKIM signature (RFC 6376) of that domain. Otherwise it is
// treated as external for block_external and send_restriction.

// DefaultTrustedNetworks are the loopback networks.
var DefaultTrustedNetworks = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// trustedRemote reports whether the peer address a is inside nets.
func trustedRemote(a net.Addr, nets []netip.Prefix) bool {
	ap, err := netip.ParseAddrPort(addrString(a))
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	for _, n := range nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// mayPostAs applies the posting rule of list to author: as is when the
// session is trusted (trusted network or authenticated submission) or the
// author is external anyway, else as an unverified sender unless a DKIM
// signature of the author's domain passes.
func (s *session) mayPostAs(ctx context.Context, m *message, list, author string) error {
	st := s.srv.opts.Store
	if s.trusted || !st.IsInternal(author) {
		return st.MayPost(ctx, list, author)
	}
	_, domain, _ := strings.Cut(strings.ToLower(author), "@")
	if s.dkimPasses(m, domain) {
		s.log.Info("internal sender from an untrusted network, DKIM passes", "from", author)
		return st.MayPost(ctx, list, author)
	}
	s.log.Info("internal sender from an untrusted network without DKIM: treated as external", "from", author)
	return st.MayPostUnverified(ctx, list, author)
}

// verified reports whether mail from addr in message m may be answered
// (SPEC §4: no acknowledgement or notice to a sender groupd could not
// verify, no backscatter): the session is trusted (a trusted network or
// an authenticated submission) or a DKIM signature of addr's domain
// passes (RFC 6376).
func (s *session) verified(m *message, addr string) bool {
	if s.trusted {
		return true
	}
	_, domain, _ := strings.Cut(strings.ToLower(addr), "@")
	return domain != "" && s.dkimPasses(m, domain)
}

// dkimPasses reports whether a signature of domain (or of a parent of it,
// RFC 7489 §3.1.1 relaxed alignment) verifies.
func (s *session) dkimPasses(m *message, domain string) bool {
	for _, p := range s.verifyDKIM(m) {
		d := p.domain
		if d == domain || strings.Contains(d, ".") && strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// verifyDKIM returns the message's DKIM signatures that verify (RFC 6376
// §6), checking them once per message.
func (s *session) verifyDKIM(m *message) []dkimPass {
	if m.dkim != nil || len(m.h.Values("Dkim-Signature")) == 0 {
		return m.dkim
	}
	vs, err := dkim.VerifyWithOptions(m.reader(), &dkim.VerifyOptions{
		LookupTXT: s.srv.opts.LookupTXT, MaxVerifications: 5})
	if err != nil {
		s.log.Info("DKIM verification failed", "err", err)
	}
	m.dkim = []dkimPass{}
	for _, v := range vs {
		if v.Err != nil {
			s.log.Info("DKIM signature does not verify", "domain", v.Domain, "err", v.Err)
			continue
		}
		p := dkimPass{domain: strings.ToLower(v.Domain)}
		for _, k := range v.HeaderKeys {
			p.fields = append(p.fields, strings.ToLower(strings.TrimSpace(k)))
		}
		m.dkim = append(m.dkim, p)
	}
	return m.dkim
}
