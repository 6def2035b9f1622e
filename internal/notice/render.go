package notice

import (
	"fmt"
	"strings"
	"time"

	"groupd/groups"
)

// Render is groups.Notices.Render: the Subject and text of notice n,
// which holds the facts the store gives (groups/notice.go). Here, and
// only here, is chosen which sentences tell them, in which order: the
// paragraphs (wrapped), the lines kept whole and the quotations.
func (c *Catalog) Render(n groups.Notice) (subject, body string, err error) {
	var b Body
	switch n := n.(type) {
	case groups.GroupNotice:
		subject, err = c.group(&b, n)
	case groups.JoinRequestNotice:
		subject = c.joinRequest(&b, n)
	case groups.JoinReplyNotice:
		subject, err = c.joinReply(&b, n)
	case groups.HeldNotice:
		subject = c.held(&b, n)
	case groups.HeldReplyNotice:
		subject, err = c.heldReply(&b, n)
	case groups.DisabledNotice:
		subject = c.disabled(&b, n)
	case groups.UndeliverableNotice:
		subject = c.undeliverable(&b, n)
	case groups.UnsubscribedNotice:
		subject = c.unsubscribed(&b, n)
	default:
		err = fmt.Errorf("notice: no words for a %T", n)
	}
	if err != nil {
		return "", "", err
	}
	return subject, b.String(), nil
}

// Digest is groups.Notices.Digest: the Subject of a digest of n posts of
// group made at date, the heading of its table of contents and its MIME
// preamble.
func (c *Catalog) Digest(group string, date time.Time, n int) (subject, contents, preamble string) {
	return c.T("digest.subject", group, date.Format("2006-01-02"), n), c.T("digest.contents"), c.T("digest.preamble", n)
}

// oneOf is an error unless event is one of events, whose texts the
// catalog has (a key built on an unknown event would read as the key).
func oneOf(kind, event string, events ...string) error {
	for _, e := range events {
		if e == event {
			return nil
		}
	}
	return fmt.Errorf("notice: a %s of event %q", kind, event)
}

// person names p as notices do (Person).
func person(p groups.Person) string { return Person(p.Name, p.Email) }

// people names each of ps, joined by commas.
func people(ps []groups.Person) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = person(p)
	}
	return strings.Join(out, ", ")
}

func (c *Catalog) yesNo(v bool) string {
	if v {
		return c.T("value.yes")
	}
	return c.T("value.no")
}

func (c *Catalog) onOff(v bool) string {
	if v {
		return c.T("value.on")
	}
	return c.T("value.off")
}

// sendText is a send restriction in words; an unknown one as it is.
func (c *Catalog) sendText(v string) string {
	switch v {
	case groups.SendAnyone, groups.SendMembers, groups.SendListed:
		return c.T("send." + v)
	}
	return v
}
