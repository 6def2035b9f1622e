package smtp

import (
	"strings"

	"github.com/emersion/go-message/mail"

	"groupd/groups"
)

// From rewriting for DMARC (RFC 7489 §3.1 alignment): a list that passes
// on the author's From with its own envelope fails the author's DMARC
// policy at strict receivers. Options.FromRewrite chooses when the list
// puts its own address in From instead.
const (
	RewriteNever    = "never"    // From is passed through (default)
	RewriteExternal = "external" // authors outside the internal domains
	RewriteAlways   = "always"   // every author
)

// rewrite is what a rewritten From becomes.
type rewrite struct {
	from    string // "Alice via Team" <team@...>
	replyTo string // the author, as a header value
	author  string // the author's address
}

// fromRewrite decides whether the post by author to list t gets its From
// rewritten, and to what; nil when not.
func (s *Server) fromRewrite(author *mail.Address, t *groups.MailTarget) *rewrite {
	switch s.opts.FromRewrite {
	case RewriteAlways:
	case RewriteExternal:
		if s.opts.Store.IsInternal(author.Address) {
			return nil
		}
	default:
		return nil
	}
	name := oneLine(strings.TrimSpace(author.Name))
	if name == "" {
		name, _, _ = strings.Cut(author.Address, "@")
	}
	rw := &rewrite{from: phrase(name+" via "+t.GroupName) + " <" + t.List + ">", author: author.Address}
	if author.Name != "" {
		rw.replyTo = phrase(name) + " <" + author.Address + ">"
	} else {
		rw.replyTo = "<" + author.Address + ">"
	}
	return rw
}
