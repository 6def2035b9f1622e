package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"groupd/groups"
)

// Limits of what the composer takes, in characters.
const (
	maxSubjectChars = 200
	maxBodyChars    = 100000
)

// postMessage sends what a member wrote through the list, as mail from
// that member (Options.Post): a new thread (subject and text) or, with
// "reply", an answer to that post. A refusal (the list's rule, a check
// here) re-renders the tab with the sentence above the form that was
// used and what was typed still in it.
func (s *server) postMessage(c *reqCtx) error {
	id := c.r.PathValue("id")
	ctx := c.r.Context()
	if err := s.store.CanReadArchive(ctx, c.actor(), id); err != nil {
		return err
	}
	reply, _ := strconv.ParseInt(c.r.PostFormValue("reply"), 10, 64)
	d := &draft{From: c.sess.User, Subject: strings.TrimSpace(c.r.PostFormValue("subject")),
		Body: c.r.PostFormValue("body"), Now: s.opts.Now()}
	g, err := s.store.GetGroup(ctx, c.actor(), id)
	if err != nil {
		return err
	}
	if s.opts.Post == nil || !g.MailingList.Enabled {
		return s.postRefused(c, d, reply, http.StatusUnprocessableEntity, c.T("messages.post.off"))
	}
	d.List = g.MailingList.Address
	if reply > 0 {
		parent, err := s.store.ArchivedMessage(ctx, c.actor(), id, reply)
		if errors.Is(err, groups.ErrNotFound) {
			return s.postRefused(c, d, reply, http.StatusUnprocessableEntity, c.T("messages.err.parent"))
		}
		if err != nil {
			return err
		}
		d.Parent = parsePostHeader(*parent)
		d.Subject = replySubject(d.Parent)
	}
	if msg := s.checkDraft(c, d); msg != "" {
		return s.postRefused(c, d, reply, http.StatusUnprocessableEntity, msg)
	}
	held, err := s.opts.Post(c.r, c.sess.User, d.List, d.compose())
	if err != nil {
		st := statusOf(err)
		if st == http.StatusInternalServerError {
			s.log.Error("post from the console failed", "group", id, "user", c.sess.User.Email, "err", err)
			return s.postRefused(c, d, reply, http.StatusServiceUnavailable, c.T("messages.post.failed"))
		}
		return s.postRefused(c, d, reply, st, groups.Message(err))
	}
	done := "posted"
	if held {
		done = "heldpost" // it waits for a master (issue 13)
	}
	return c.redirect("/g/" + id + "/messages?done=" + done + "#end")
}

// checkDraft returns the sentence for a draft that cannot be sent.
func (s *server) checkDraft(c *reqCtx, d *draft) string {
	switch {
	case strings.TrimSpace(d.Body) == "":
		return c.T("messages.err.body")
	case d.Subject == "":
		return c.T("messages.err.subject")
	case utf8.RuneCountInString(d.Subject) > maxSubjectChars:
		return c.T("messages.err.subjectlong", maxSubjectChars)
	case utf8.RuneCountInString(d.Body) > maxBodyChars:
		return c.T("messages.err.bodylong", maxBodyChars)
	case !utf8.ValidString(d.Subject + d.Body):
		return c.T("messages.err.body")
	}
	return ""
}

// postRefused shows the newest threads again with msg above the form
// that was used and the draft in it: the reply form of the thread that
// holds the post replied to when it is on the page, else the composer.
func (s *server) postRefused(c *reqCtx, d *draft, reply int64, status int, msg string) error {
	p, err := s.messagesData(c, 0)
	if err != nil {
		return err
	}
	for _, t := range p.Threads {
		for _, post := range t.Posts {
			if reply > 0 && post.UID == reply {
				t.Draft, t.Err = d.Body, msg
				return c.render(status, "messages", c.T("messages.title", p.G.Name), p)
			}
		}
	}
	p.Subject, p.Body, p.Err = d.Subject, d.Body, msg
	return c.render(status, "messages", c.T("messages.title", p.G.Name), p)
}
