package web

import (
	"errors"
	"net/http"
	"strings"

	"groupd/groups"
)

// The Folder tab's changes: new folder, rename, move and delete, each a
// plain form. A refusal of the store (a name it does not take, a name
// already there, a folder moved into itself) comes back as its sentence
// beside the form, with what the user typed; success goes back to the
// folder with a notice (303, RFC 9110 §15.4.4).

// folderChange is a change form as posted: the folder it was posted
// from and the entry it names.
type folderChange struct {
	f    *groups.Folder
	dir  string // the folder shown when the form was posted
	path string // the entry changed (rename, move, delete)
}

// readChange opens the folder and reads the form's "dir" and "path".
func (s *server) readChange(c *reqCtx) (*folderChange, error) {
	f, err := s.openFolder(c)
	if err != nil {
		return nil, err
	}
	return &folderChange{f: f, dir: cleanDir(c.r.PostFormValue("dir")),
		path: strings.Trim(c.r.PostFormValue("path"), "/")}, nil
}

// cleanDir is a folder path as a form or a query gives it: "/" and ""
// are the top, surrounding slashes are dropped.
func cleanDir(p string) string { return strings.Trim(p, "/") }

// done goes back to the folder shown, with the notice key.
func (s *server) folderDone(c *reqCtx, dir, notice string) error {
	return c.redirect(folderURL("/g/"+c.r.PathValue("id")+"/folder", dir) + "?done=" + notice)
}

// folderMkdir creates a folder inside the folder shown.
func (s *server) folderMkdir(c *reqCtx) error {
	ch, err := s.readChange(c)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(c.r.PostFormValue("name"))
	pg := &folderPage{Dir: ch.dir, NewName: name}
	err = s.checkName(c, name)
	if err == nil {
		err = ch.f.Mkdir(c.r.Context(), joinPath(ch.dir, name))
	}
	if err != nil {
		return s.folderRefused(c, ch.f, pg, err, func(msg string) { pg.Refusals = map[string]string{"mkdir": msg} })
	}
	return s.folderDone(c, ch.dir, "fmkdir")
}

// folderRename gives an entry a new name in the same folder. It never
// replaces what already has that name.
func (s *server) folderRename(c *reqCtx) error {
	ch, err := s.readChange(c)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(c.r.PostFormValue("name"))
	err = s.checkName(c, name)
	if err == nil {
		err = s.moveTo(c, ch, joinPath(parentDir(ch.path), name))
	}
	if err != nil {
		return s.entryRefused(c, ch, "rename", name, err)
	}
	return s.folderDone(c, ch.dir, "frenamed")
}

// folderMove moves an entry, with what it holds, into another folder of
// the group ("/" is the top), keeping its name. It never replaces what
// is already there.
func (s *server) folderMove(c *reqCtx) error {
	ch, err := s.readChange(c)
	if err != nil {
		return err
	}
	typed := strings.TrimSpace(c.r.PostFormValue("to"))
	err = invalid(c.T("folder.move.empty"))
	if typed != "" {
		name := ch.path[strings.LastIndexByte(ch.path, '/')+1:]
		err = s.moveTo(c, ch, joinPath(cleanDir(typed), name))
	}
	if err != nil {
		return s.entryRefused(c, ch, "move", typed, err)
	}
	return s.folderDone(c, ch.dir, "fmoved")
}

// moveTo moves ch.path to dst unless something is there already (the
// store's Move replaces, as WebDAV's MOVE with Overwrite: T does).
func (s *server) moveTo(c *reqCtx, ch *folderChange, dst string) error {
	if dst == ch.path {
		return nil
	}
	if err := groups.CheckNewFilePath(dst); err != nil {
		return err
	}
	if _, err := ch.f.Stat(c.r.Context(), dst); err == nil {
		return &groups.Error{Kind: groups.ErrConflict, Msg: c.T("folder.exists", dst)}
	}
	return ch.f.Move(c.r.Context(), ch.path, ch.f, dst)
}

// folderDelete deletes an entry and everything under it; the form asks
// for a confirmation first when scripts run.
func (s *server) folderDelete(c *reqCtx) error {
	ch, err := s.readChange(c)
	if err != nil {
		return err
	}
	if err := ch.f.RemoveAll(c.r.Context(), ch.path); err != nil {
		return s.entryRefused(c, ch, "delete", "", err)
	}
	return s.folderDone(c, ch.dir, "fdeleted")
}

// checkName refuses what the store would take as a path but not as one
// name: nothing, or a name with a slash. The store's own rules (length,
// control characters, "." and "..") come with its sentence.
func (s *server) checkName(c *reqCtx, name string) error {
	switch {
	case name == "":
		return invalid(c.T("folder.name.empty"))
	case strings.Contains(name, "/"):
		return invalid(c.T("folder.name.slash"))
	}
	return groups.CheckNewFilePath(name)
}

func invalid(msg string) error { return &groups.Error{Kind: groups.ErrInvalid, Msg: msg} }

// entryRefused shows the folder with the sentence beside the entry's
// forms, kept open (above the list when the entry is not in it).
func (s *server) entryRefused(c *reqCtx, ch *folderChange, form, typed string, err error) error {
	pg := &folderPage{Dir: ch.dir}
	return s.folderRefused(c, ch.f, pg, err, func(msg string) {
		pg.Refused = &entryRefusal{Path: ch.path, Form: form, Msg: msg, Typed: typed}
	})
}

// folderRefused answers a refused change: the store's sentence through
// put, and the folder again with the status of the refusal. A missing
// path is a conflict of the request with the folder as it now is (RFC
// 9110 §15.5.10), not a missing page. Faults of the server are the
// error page.
func (s *server) folderRefused(c *reqCtx, f *groups.Folder, pg *folderPage, err error, put func(string)) error {
	status := statusOf(err)
	switch {
	case errors.Is(err, groups.ErrNotFound):
		status = http.StatusConflict
	case errors.Is(err, groups.ErrTooLarge):
		status = http.StatusUnprocessableEntity // a name too long; quota is the upload's
	case status == http.StatusInternalServerError || status == http.StatusUnauthorized:
		return err
	}
	put(groups.Message(err))
	return s.showFolder(c, f, status, pg)
}

// parentDir is the folder holding p ("" for the top's entries).
func parentDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}
