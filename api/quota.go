package api

import (
	"errors"
	"net/http"

	"groupd/groups"
)

// Folder quotas (issue 6): an administrator sets a group's own quota; the
// default comes from the config (dav.folder_quota). The WebDAV folder
// answers 507 beyond it and reports it as quota-available-bytes (RFC
// 4331).

// quota is the body of GET and PUT .../quota.
type quota struct {
	Bytes     int64 `json:"bytes"`     // the group's own quota; 0: the default
	Default   int64 `json:"default"`   // the configured default
	Effective int64 `json:"effective"` // what applies
	Used      int64 `json:"used"`      // bytes the folder holds
}

// GET /api/v1/groups/{id}/quota → 200 quota. Administrators and members
// (the folder feature on).
func (s *server) getQuota(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	q, err := s.quotaOf(r, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, q)
	return nil
}

// PUT /api/v1/groups/{id}/quota {"bytes": N} → 200 quota; N = 0 returns
// the group to the default. Administrators only (403 otherwise). A quota
// below what the folder holds is allowed: uploads then get 507 until
// files are removed.
func (s *server) putQuota(w http.ResponseWriter, r *http.Request, a groups.Actor) error {
	var body struct {
		Bytes *int64 `json:"bytes"`
	}
	if err := s.decode(w, r, &body); err != nil {
		return err
	}
	if body.Bytes == nil {
		return badRequest("bytes is required: the quota in bytes, 0 for the default")
	}
	if err := s.store.SetFolderQuota(r.Context(), a, r.PathValue("id"), *body.Bytes); err != nil {
		return err
	}
	return s.getQuota(w, r, a)
}

func (s *server) quotaOf(r *http.Request, a groups.Actor) (*quota, error) {
	ctx, id := r.Context(), r.PathValue("id")
	f, err := s.store.OpenFolder(ctx, a, id, s.defQuota)
	if errors.Is(err, groups.ErrNotFound) {
		// A public group's folder is its members' (issue 16, Info): say
		// so, as for its other members-only data. A private group stays
		// missing: GetGroup answers an outsider as for no group.
		if _, gerr := s.store.GetGroup(ctx, a, id); gerr == nil {
			return nil, &groups.Error{Kind: groups.ErrDenied, Msg: "only members of this group may see its folder"}
		}
	}
	if err != nil {
		return nil, err
	}
	own, err := s.store.FolderQuota(ctx, a, id)
	if err != nil {
		return nil, err
	}
	used, eff, err := f.Usage(ctx)
	if err != nil {
		return nil, err
	}
	return &quota{Bytes: own, Default: s.defQuota, Effective: eff, Used: used}, nil
}
