package web

import (
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"

	"groupd/groups"
)

// groupForm is the create and edit form: every setting of SPEC §1, what
// the user typed (kept when the store refuses it), and the refusal beside
// the field it concerns.
type groupForm struct {
	Edit        bool
	ID          string
	Name        string
	Description string
	Public      bool
	Notify      bool
	External    bool
	Features    groups.Features
	ListOn      bool
	Address     string
	SendersAs   string
	Restriction string
	Allowed     string
	BlockExt    bool
	Moderation  string // none, outsiders or all (issue 13)
	ExtMembers  string
	Masters     string
	Members     string
	Allow       *groups.Allowances
	Disabled    map[string]bool
	Errors      map[string]string // field -> sentence
	HasProfile  bool
}

// Err is the sentence for a field, "" when none.
func (f *groupForm) Err(field string) string { return f.Errors[field] }

func (s *server) allowances(c *reqCtx) (*groups.Allowances, map[string]bool, error) {
	al, err := s.store.AllowancesFor(c.r.Context(), c.actor())
	if err != nil {
		return nil, nil, err
	}
	dis := map[string]bool{}
	for _, f := range al.DisabledFeatures {
		dis[f] = true
	}
	return al, dis, nil
}

// newGroupForm shows the create form with the model's defaults: public,
// notify, every feature the organisation allows, the list on.
func (s *server) newGroupForm(c *reqCtx) error {
	al, dis, err := s.allowances(c)
	if err != nil {
		return err
	}
	if !al.CreateGroups {
		return &groups.Error{Kind: groups.ErrDenied, Msg: c.T("create.denied")}
	}
	f := &groupForm{Public: true, Notify: true, ListOn: true, Restriction: groups.SendAnyone, BlockExt: true,
		Moderation: groups.ModerateNone, Allow: al, Disabled: dis, Errors: map[string]string{}}
	for _, name := range groups.AllFeatures() {
		f.Features.Set(name, !dis[name])
	}
	return s.showGroupForm(c, http.StatusOK, f)
}

func (s *server) showGroupForm(c *reqCtx, status int, f *groupForm) error {
	c.nav = "groups"
	title := c.T("create.title")
	if f.Edit {
		title = c.T("edit.title")
	}
	return c.render(status, "groupform", title, f)
}

// maxFormBytes bounds the group form: a 1 MiB profile image and text.
const maxFormBytes = 2 << 20

// readGroupForm parses the posted form into f (multipart, for the image)
// and returns the image, if one was sent.
func (s *server) readGroupForm(c *reqCtx, f *groupForm) ([]byte, error) {
	c.r.Body = http.MaxBytesReader(c.w, c.r.Body, maxFormBytes)
	if err := c.r.ParseMultipartForm(maxFormBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return nil, &groups.Error{Kind: groups.ErrTooLarge, Msg: c.T("form.toolarge")}
	}
	v := c.r.PostFormValue
	on := func(k string) bool { return v(k) != "" }
	f.ID, f.Name, f.Description = strings.TrimSpace(v("id")), v("name"), v("description")
	f.Public, f.Notify, f.External = on("public"), on("notify"), on("external")
	for _, name := range groups.AllFeatures() {
		f.Features.Set(name, on("f_"+name))
	}
	f.ListOn, f.Address = on("list_enabled"), strings.TrimSpace(v("list_address"))
	f.SendersAs, f.Restriction, f.Allowed = v("senders_as"), v("send_restriction"), v("allowed")
	f.BlockExt, f.ExtMembers = on("block_external"), v("external_members")
	f.Moderation = v("moderation")
	f.Masters, f.Members = v("masters"), v("members")
	file, _, err := c.r.FormFile("profile")
	if err != nil {
		return nil, nil // no image sent
	}
	defer file.Close()
	return io.ReadAll(io.LimitReader(file, groups.MaxProfileBytes+1))
}

// spec turns the form into the model's GroupSpec. Features the
// organisation disabled are left as they are (their boxes are disabled).
func (f *groupForm) spec() groups.GroupSpec {
	name, desc := f.Name, f.Description
	pub, notify, ext := f.Public, f.Notify, f.External
	fs := &groups.FeatureSpec{}
	set := map[string]**bool{groups.FeatureMessage: &fs.Message, groups.FeatureNote: &fs.Note,
		groups.FeatureEvent: &fs.Event, groups.FeatureTask: &fs.Task, groups.FeatureFolder: &fs.Folder}
	for name, p := range set {
		if f.Disabled[name] {
			continue
		}
		v := f.Features.On(name)
		*p = &v
	}
	restr := f.Restriction
	list := &groups.ListSpec{Enabled: &f.ListOn, SendRestriction: &restr, BlockExternal: &f.BlockExt}
	if f.Address != "" {
		list.Address = &f.Address
	}
	if f.Moderation != "" {
		mod := f.Moderation
		list.Moderation = &mod
	}
	senders, allowed, extm := emailList(f.SendersAs), emailList(f.Allowed), emailList(f.ExtMembers)
	list.SendersAs, list.Allowed, list.ExternalMembers = &senders, &allowed, &extm
	spec := groups.GroupSpec{Name: &name, Description: &desc, Public: &pub, Notify: &notify,
		Features: fs, MailingList: list}
	if f.External || f.Allow.External {
		spec.External = &ext
	}
	if !f.Edit {
		if f.ID != "" {
			spec.ID = &f.ID
		}
		spec.Masters, spec.Members = emailList(f.Masters), emailList(f.Members)
	}
	return spec
}

// createGroup creates the group from the form; on a refusal the form
// comes back with what was typed and the sentence beside its field.
func (s *server) createGroup(c *reqCtx) error {
	al, dis, err := s.allowances(c)
	if err != nil {
		return err
	}
	f := &groupForm{Allow: al, Disabled: dis, Errors: map[string]string{}}
	img, err := s.readGroupForm(c, f)
	if err != nil {
		return err
	}
	if len(img) > 0 {
		if err := groups.CheckProfile(img); err != nil {
			f.Errors["profile"] = groups.Message(err)
			return s.showGroupForm(c, statusOf(err), f)
		}
	}
	g, err := s.store.CreateGroup(c.r.Context(), c.actor(), f.spec())
	if err != nil {
		return s.formRefused(c, f, err)
	}
	if len(img) > 0 {
		if err := s.store.SetProfile(c.r.Context(), c.actor(), g.ID, img); err != nil {
			return err
		}
	}
	return c.redirect("/g/" + g.ID + "?done=created")
}

// formRefused shows the form again with the store's sentence beside the
// field it names; errors that are not refusals go to the error page.
func (s *server) formRefused(c *reqCtx, f *groupForm, err error) error {
	var ge *groups.Error
	if !errors.As(err, &ge) || statusOf(err) == http.StatusInternalServerError || statusOf(err) == http.StatusNotFound {
		return err
	}
	f.Errors[fieldOf(ge.Msg)] = ge.Msg
	return s.showGroupForm(c, statusOf(err), f)
}

// fieldPatterns find the form field a model sentence is about.
var fieldPatterns = []struct {
	re    *regexp.Regexp
	field string
}{
	{regexp.MustCompile(`(?i)^name|group name`), "name"},
	{regexp.MustCompile(`(?i)^description`), "description"},
	{regexp.MustCompile(`(?i)group id|^id\b`), "id"},
	{regexp.MustCompile(`(?i)senders_as`), "senders_as"},
	{regexp.MustCompile(`(?i)allowed`), "allowed"},
	{regexp.MustCompile(`(?i)external_members`), "external_members"},
	{regexp.MustCompile(`(?i)send_restriction`), "send_restriction"},
	{regexp.MustCompile(`(?i)moderation`), "moderation"},
	{regexp.MustCompile(`(?i)address`), "list_address"},
	{regexp.MustCompile(`(?i)feature`), "features"},
	{regexp.MustCompile(`(?i)external`), "external"},
	{regexp.MustCompile(`(?i)master`), "masters"},
}

func fieldOf(msg string) string {
	for _, p := range fieldPatterns {
		if p.re.MatchString(msg) {
			return p.field
		}
	}
	return "members"
}

// emailList reads addresses typed or pasted one per line, or separated by
// commas, semicolons or spaces; "Name <addr>" gives addr.
func emailList(s string) []string {
	out := []string{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == '\n' || r == '\r' || r == ' ' || r == '\t'
	}) {
		if i := strings.LastIndexByte(f, '<'); i >= 0 {
			f = f[i+1:]
		}
		f = strings.Trim(f, "<>\"'")
		if strings.Contains(f, "@") {
			out = append(out, f)
		}
	}
	return out
}
