package web

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"groupd/groups"
	"groupd/internal/mbox"
)

// convertPage is "Convert a conversation": an mbox in, a group out. The
// participants found are shown with the rule that at least 3 of the
// organisation's people, the user included, must take part.
type convertPage struct {
	Name, Description string
	Public, Notify    bool
	Participants      []participant
	Counted           int // internal participants
	Min               int
	Error             string
	Previewed         bool
}

type participant struct {
	Email    string
	Internal bool
	You      bool
}

func (s *server) convertForm(c *reqCtx) error {
	c.nav = "groups"
	return c.render(http.StatusOK, "convert", c.T("convert.title"),
		&convertPage{Public: true, Notify: true, Min: groups.MinConvertParticipants})
}

// convert reads the uploaded mbox. With "preview" it shows who takes
// part; otherwise it creates the group (the store checks every rule) and
// goes to it. A refusal comes back on the form with the participants.
func (s *server) convert(c *reqCtx) error {
	c.nav = "groups"
	p := &convertPage{Min: groups.MinConvertParticipants}
	c.r.Body = http.MaxBytesReader(c.w, c.r.Body, s.opts.MaxUploadBytes+64<<10)
	if err := c.r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return &groups.Error{Kind: groups.ErrTooLarge, Msg: c.T("convert.toolarge", humanSize(s.opts.MaxUploadBytes))}
	}
	if c.r.MultipartForm != nil {
		defer c.r.MultipartForm.RemoveAll()
	}
	v := c.r.PostFormValue
	p.Name, p.Description = strings.TrimSpace(v("name")), v("description")
	p.Public, p.Notify, p.Previewed = v("public") != "", v("notify") != "", v("preview") != ""
	conv, err := s.readMbox(c)
	if err != nil {
		p.Error = err.Error()
		return c.render(http.StatusUnprocessableEntity, "convert", c.T("convert.title"), p)
	}
	for _, e := range conv.Participants {
		pt := participant{Email: e, Internal: s.store.IsInternal(e), You: e == c.sess.User.Email}
		if pt.Internal {
			p.Counted++
		}
		p.Participants = append(p.Participants, pt)
	}
	if p.Previewed {
		return c.render(http.StatusOK, "convert", c.T("convert.title"), p)
	}
	spec := groups.GroupSpec{Description: &p.Description, Public: &p.Public, Notify: &p.Notify}
	if p.Name != "" {
		spec.Name = &p.Name
	}
	g, err := s.store.ConvertConversation(c.r.Context(), c.actor(), spec, conv.Participants, conv.Messages)
	if err != nil {
		if statusOf(err) == http.StatusInternalServerError {
			return err
		}
		p.Error = groups.Message(err)
		return c.render(statusOf(err), "convert", c.T("convert.title"), p)
	}
	return c.redirect("/g/" + g.ID + "?done=created")
}

// readMbox reads the "mbox" file of the form into a conversation; its
// errors are sentences for the page.
func (s *server) readMbox(c *reqCtx) (*mbox.Conversation, error) {
	f, _, err := c.r.FormFile("mbox")
	if err != nil {
		return nil, errors.New(c.T("convert.nofile"))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, s.opts.MaxUploadBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > s.opts.MaxUploadBytes {
		return nil, errors.New(c.T("convert.toolarge", humanSize(s.opts.MaxUploadBytes)))
	}
	msgs, err := mbox.Split(b)
	if err != nil {
		return nil, errors.New(c.T("convert.notmbox"))
	}
	conv, err := mbox.ReadConversation(msgs, time.Now())
	if err != nil {
		return nil, errors.New(c.T("convert.notmbox") + " " + err.Error())
	}
	return conv, nil
}
