package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"groupd/groups"
	"groupd/internal/mbox"
)

// POST /api/v1/groups/convert?name=&id=&description=&public=&notify=, body
// an mbox (application/mbox, RFC 4155) → 201 with the new group and
// Location. The conversation's participants from the organisation who
// have accounts (at least 3, the caller included) become members, the
// caller master; its messages seed the archive in date order. The
// settings come from the query because the body is the mbox.
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
	if err := onlyParams(q, "name", "id", "description", "public", "notify"); err != nil {
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
	spec.Notify, err = queryBool(q, "notify")
	return spec, err
}
