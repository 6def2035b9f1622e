package notice

import (
	"fmt"
	"slices"
	"time"

	"groupd/groups"
)

// joinRequest writes the masters' notice of a join request: who asks,
// their subject and words quoted, and what a master can do.
func (c *Catalog) joinRequest(b *Body, n groups.JoinRequestNotice) string {
	who := person(n.From)
	b.Para(c.T("join.intro", who, n.Group, n.List))
	b.Para(c.T("join.words"))
	b.Lines(c.T("join.words.subject", c.Value(n.Subject)))
	b.Quote(c.Value(n.Text))
	if n.Truncated {
		b.Para(c.T("join.words.truncated"))
	}
	if !n.Verified {
		b.Para(c.T("join.unverified"))
	}
	b.Para(c.T("join.howto"))
	if n.Console != "" {
		b.Para(c.T("join.console", n.Console))
	} else {
		b.Para(c.T("join.api", n.API))
	}
	return c.T("join.subject", n.Group, who)
}

// joinReply writes a requester's notice: the list named by its group's
// name and address, or by the address alone when the store gives no
// name (a private group); a master's reason quoted.
func (c *Catalog) joinReply(b *Body, n groups.JoinReplyNotice) (string, error) {
	if err := oneOf("join reply", n.Event, groups.JoinAcknowledged, groups.JoinAlreadyOn, groups.JoinApproved,
		groups.JoinDeclined, groups.JoinExpired); err != nil {
		return "", err
	}
	what := c.T("join.ack.list", n.List)
	if n.Group != "" {
		what = c.T("join.ack.group", n.Group, n.List)
	}
	b.Para(c.T("join."+n.Event+".body", what))
	if n.Reason != "" {
		b.Quote(n.Reason)
	}
	return c.T("join."+n.Event+".subject", what), nil
}

// held writes the masters' notice of a held post: who sent what, whether
// the sender is proven, how to answer by mail, and the console's page
// (or the API's route without public_url).
func (c *Catalog) held(b *Body, n groups.HeldNotice) string {
	b.Para(c.T("held.intro", n.Sender, n.Group, n.List))
	b.Lines(c.T("held.subject.line", n.Subject))
	if !n.Verified {
		b.Para(c.T("held.unverified"))
	}
	b.Para(c.T("held.reply"))
	if n.Console != "" {
		b.Para(c.T("held.console", n.Console))
	} else {
		b.Para(c.T("held.howto", n.API))
	}
	return c.T("held.subject", n.List, n.Sender)
}

// heldReply writes the author's notice of what became of a held post.
func (c *Catalog) heldReply(b *Body, n groups.HeldReplyNotice) (string, error) {
	if err := oneOf("held post reply", n.Event, groups.HeldRejected, groups.HeldExpired); err != nil {
		return "", err
	}
	b.Para(c.T("held."+n.Event+".body", n.List, n.Subject))
	if n.Reason != "" {
		b.Quote(n.Reason)
	}
	return c.T("held."+n.Event+".subject", n.List), nil
}

// disabled writes the masters' notice of an external member the list no
// longer sends to, with the last bounce's answer.
func (c *Catalog) disabled(b *Body, n groups.DisabledNotice) string {
	b.Para(c.T("bounce.disabled.intro", n.List, n.Address, n.Bounces))
	b.Lines("  " + n.Code + " " + n.Diagnostic)
	b.Para(c.T("bounce.disabled.outro", n.Address))
	return c.T("bounce.disabled.subject", n.Address)
}

// undeliverable writes the masters' report of a post's permanent
// failures, one recipient and answer a line.
func (c *Catalog) undeliverable(b *Body, n groups.UndeliverableNotice) string {
	b.Para(c.T("undeliverable.intro", c.Value(n.Subject)))
	lines := make([]string, len(n.Failures))
	for i, f := range n.Failures {
		lines[i] = fmt.Sprintf("  %s: %s", f.Rcpt, f.Error)
	}
	b.Lines(lines...)
	return c.T("undeliverable.subject")
}

// unsubscribed writes the masters' summary of the addresses that left
// the list, one a line in the order of the lines (by address), and how
// to take one back.
func (c *Catalog) unsubscribed(b *Body, n groups.UnsubscribedNotice) string {
	b.Para(c.T("unsubscribe.summary.intro", n.Group, n.List))
	lines := make([]string, 0, len(n.Removals))
	for _, r := range n.Removals {
		lines = append(lines, c.T("unsubscribe.summary.line", r.Address, r.At.UTC().Format(time.RFC3339),
			c.T("unsubscribe.via."+r.Via)))
	}
	slices.Sort(lines)
	b.Lines(lines...)
	b.Para(c.T("unsubscribe.summary.readd"))
	return c.T("unsubscribe.summary.subject", n.List, len(n.Removals))
}
