package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"groupd/groups"
)

// The Folder tab: a group's shared folder, the very one WebDAV serves at
// /dav/files/<id>/. A member browses it folder by folder (breadcrumbs,
// folders first), downloads files, uploads (folder_upload.go), creates,
// renames, moves and deletes (folder_change.go), and sees the quota used
// and left. Files are served so that they never run as the console
// (folder_serve.go).

// folderRoutes registers the Folder tab. GET of a path shows a folder or
// serves a file; the changes are POSTs to fixed names, which no GET of a
// file can meet.
func (s *server) folderRoutes() {
	m := s.mux
	m.Handle("GET /g/{id}/folder", s.signedIn(s.folderGet))
	m.Handle("GET /g/{id}/folder/{path...}", s.signedIn(s.folderGet))
	m.Handle("POST /g/{id}/folder/upload", s.signedIn(s.folderUpload))
	m.Handle("POST /g/{id}/folder/mkdir", s.signedIn(s.folderMkdir))
	m.Handle("POST /g/{id}/folder/rename", s.signedIn(s.folderRename))
	m.Handle("POST /g/{id}/folder/move", s.signedIn(s.folderMove))
	m.Handle("POST /g/{id}/folder/delete", s.signedIn(s.folderDelete))
}

// folderPage is one folder of a group as the tab shows it.
type folderPage struct {
	*groupView
	Dir      string // the folder shown, "" for the top
	Base     string // "/g/<id>/folder"
	Here     string // the URL of the folder shown
	Crumbs   []crumb
	Entries  []*folderEntry
	Dirs     []string // destinations offered to "move": the top, the path here, the folders here
	Used     int64
	Quota    int64
	Left     int64
	CanWrite bool
	Refusals map[string]string // "upload", "mkdir" -> the sentence beside that form
	NewName  string            // what was typed as a new folder's name
	// Refused is an entry's rename, move or delete that was refused.
	Refused *entryRefusal
}

// Err is the sentence beside the form key, "" when none.
func (p *folderPage) Err(key string) string { return p.Refusals[key] }

type crumb struct{ Name, URL string }

// folderEntry is one row of the list.
type folderEntry struct {
	Name     string
	Path     string
	URL      string
	IsDir    bool
	Size     int64
	Modified time.Time
	Refusal  string // a refused change of this entry: the sentence,
	Form     string // the form refused ("rename", "move", "delete")
	Typed    string // and what was typed in it
}

type entryRefusal struct{ Path, Form, Msg, Typed string }

// openFolder opens the group's folder for the user: a group that is
// missing, private to others, without its folder feature or with the
// feature disabled reads as not found, the same on every surface.
func (s *server) openFolder(c *reqCtx) (*groups.Folder, error) {
	return s.store.OpenFolder(c.r.Context(), c.actor(), c.r.PathValue("id"), s.opts.DefaultFolderQuota)
}

// folderGet shows a folder, or serves a file (?download forces an
// attachment).
func (s *server) folderGet(c *reqCtx) error {
	f, err := s.openFolder(c)
	if err != nil {
		return err
	}
	p := strings.Trim(c.r.PathValue("path"), "/")
	fi, err := f.Stat(c.r.Context(), p)
	if err != nil {
		return err
	}
	if !fi.IsDir {
		return serveFile(c, f, fi, c.r.URL.Query().Has("download"))
	}
	return s.showFolder(c, f, http.StatusOK, &folderPage{Dir: p})
}

// showFolder renders pg.Dir (the top if it has gone meanwhile) with
// status: the list, the quota, and the refusals already in pg.
func (s *server) showFolder(c *reqCtx, f *groups.Folder, status int, pg *folderPage) error {
	ctx := c.r.Context()
	v, err := s.loadGroup(c, groups.FeatureFolder)
	if err != nil {
		return err
	}
	list, err := f.List(ctx, pg.Dir)
	if err != nil && pg.Dir != "" && statusOf(err) != http.StatusInternalServerError {
		pg.Dir = ""
		list, err = f.List(ctx, "")
	}
	if err != nil {
		return err
	}
	if pg.Used, pg.Quota, err = f.Usage(ctx); err != nil {
		return err
	}
	pg.groupView, pg.CanWrite = v, f.CanWrite()
	pg.Left = max(pg.Quota-pg.Used, 0)
	pg.Base = "/g/" + v.G.ID + "/folder"
	pg.Here = folderURL(pg.Base, pg.Dir)
	pg.Crumbs = crumbs(c, pg.Base, pg.Dir)
	pg.Entries = entries(pg.Base, list, pg.Refused)
	pg.Dirs = moveTargets(pg.Dir, pg.Entries)
	if r := pg.Refused; r != nil && !slices.ContainsFunc(pg.Entries, func(e *folderEntry) bool { return e.Refusal != "" }) {
		pg.Refusals = map[string]string{"list": r.Msg}
	}
	return c.render(status, "folder", c.T("folder.title", v.G.Name), pg)
}

// folderURL is the console URL of the folder path p.
func folderURL(base, p string) string {
	if p == "" {
		return base
	}
	return base + "/" + escapePath(p)
}

// crumbs are the links from the top of the folder to dir; the last one,
// the folder shown, has no link.
func crumbs(c *reqCtx, base, dir string) []crumb {
	out := []crumb{{Name: c.T("feature.folder"), URL: base}}
	if dir != "" {
		segs := strings.Split(dir, "/")
		for i, s := range segs {
			out = append(out, crumb{Name: s, URL: folderURL(base, strings.Join(segs[:i+1], "/"))})
		}
	}
	out[len(out)-1].URL = ""
	return out
}

// entries sorts folders first, then by name as people read it (case
// folded, then byte order so that the order is total).
func entries(base string, list []*groups.FileInfo, refused *entryRefusal) []*folderEntry {
	out := make([]*folderEntry, 0, len(list))
	for _, fi := range list {
		e := &folderEntry{Name: fi.Name(), Path: fi.Path, URL: folderURL(base, fi.Path),
			IsDir: fi.IsDir, Size: fi.Size, Modified: fi.Modified}
		if refused != nil && refused.Path == fi.Path {
			e.Refusal, e.Form, e.Typed = refused.Msg, refused.Form, refused.Typed
		}
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b *folderEntry) int {
		if a.IsDir != b.IsDir {
			if a.IsDir {
				return -1
			}
			return 1
		}
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// moveTargets are the folders a "move" field suggests, written as the
// field takes them: "/" for the top, then the folders down to dir and
// the folders inside it.
func moveTargets(dir string, list []*folderEntry) []string {
	out := []string{"/"}
	if dir != "" {
		segs := strings.Split(dir, "/")
		for i := range segs {
			out = append(out, "/"+strings.Join(segs[:i+1], "/"))
		}
	}
	for _, e := range list {
		if e.IsDir {
			out = append(out, "/"+e.Path)
		}
	}
	return out
}

// joinPath is the path of name inside dir.
func joinPath(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}
