package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"groupd/groups"
	"groupd/internal/mbox"
)

// POST /api/v1/groups/convert?name=&id=&description=&public=&notify=
// &features=&list_enabled=&list_address=&send_restriction=&block_external=,
// body an mbox (application/mbox, RFC 4155) → 201 with the new group and
// Location. The conversation's participants from the organisation who
// have accounts (at least 3, the caller included) become members, the
// caller master; its messages seed the archive in date order. The
// settings come from the query because the body is the mbox; each is
// optional and means what the same field of POST /api/v1/groups means.
// features is the comma-separated list of the features to turn on (the
// others are off; message is required to hold the conversation).
func (s *server) convert(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	spec, err := convertSpec(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxConvert))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &groups.Error{Kind: groups.ErrTooLarge,
			Msg: fmt.Sprintf("the mbox is over the limit of %d bytes", tooBig.Limit)}
	}
	if err != nil {
		return badRequest("the mbox could not be read: " + err.Error())
	}
	msgs, err := mbox.Split(body)
	if err != nil {
		return badRequest(err.Error())
	}
	conv, err := mbox.ReadConversation(msgs, time.Now())
	if err != nil {
		return badRequest(err.Error())
	}
	g, err := s.store.ConvertConversation(r.Context(), a, spec, conv.Participants, conv.Messages)
	if err != nil {
		return err
	}
	created(w, groupPath(g.ID), g)
	return nil
}

// convertSpec reads the new group's settings from the query.
func convertSpec(r *http.Request) (groups.GroupSpec, error) {
	q := r.URL.Query()
	var spec groups.GroupSpec
	if err := onlyParams(q, "name", "id", "description", "public", "notify", "features",
		"list_enabled", "list_address", "send_restriction", "block_external"); err != nil {
		return spec, err
	}
	for name, dst := range map[string]**string{"name": &spec.Name, "id": &spec.ID, "description": &spec.Description} {
		if q.Has(name) {
			v := q.Get(name)
			*dst = &v
		}
	}
	var err error
	if spec.Public, err = queryBool(q, "public"); err != nil {
		return spec, err
	}
	if spec.Notify, err = queryBool(q, "notify"); err != nil {
		return spec, err
	}
	if spec.Features, err = queryFeatures(q); err != nil {
		return spec, err
	}
	spec.MailingList, err = queryList(q)
	return spec, err
}

// queryFeatures reads features, the comma-separated features to turn on;
// the others are turned off. Without it the defaults of creation hold.
func queryFeatures(q url.Values) (*groups.FeatureSpec, error) {
	if !q.Has("features") {
		return nil, nil
	}
	on := map[string]bool{}
	for _, f := range strings.Split(q.Get("features"), ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if !slices.Contains(groups.AllFeatures(), f) {
			return nil, badRequest(fmt.Sprintf("features: unknown feature %q (known: %s)", f, strings.Join(groups.AllFeatures(), ", ")))
		}
		on[f] = true
	}
	fs := &groups.FeatureSpec{}
	for f, dst := range map[string]**bool{groups.FeatureMessage: &fs.Message, groups.FeatureNote: &fs.Note,
		groups.FeatureEvent: &fs.Event, groups.FeatureTask: &fs.Task, groups.FeatureFolder: &fs.Folder} {
		*dst = ptrTo(on[f])
	}
	return fs, nil
}

// queryList reads the mailing list's settings: list_enabled,
// list_address, send_restriction (anyone, members or listed; the store
// checks it) and block_external. Nil when none is given.
func queryList(q url.Values) (*groups.ListSpec, error) {
	l := &groups.ListSpec{}
	var err error
	if l.Enabled, err = queryBool(q, "list_enabled"); err != nil {
		return nil, err
	}
	if l.BlockExternal, err = queryBool(q, "block_external"); err != nil {
		return nil, err
	}
	if q.Has("list_address") {
		l.Address = ptrTo(q.Get("list_address"))
	}
	if q.Has("send_restriction") {
		l.SendRestriction = ptrTo(q.Get("send_restriction"))
	}
	if *l == (groups.ListSpec{}) {
		return nil, nil
	}
	return l, nil
}

func ptrTo[T any](v T) *T { return &v }
