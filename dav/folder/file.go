package folder

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"time"

	"golang.org/x/net/webdav"

	"groupd/groups"
)

// info is an os.FileInfo of a folder entry, with the ETag and content type
// that x/net/webdav asks for.
type info struct {
	fi   *groups.FileInfo
	name string
}

func (i *info) Name() string       { return i.name }
func (i *info) Size() int64        { return i.fi.Size }
func (i *info) ModTime() time.Time { return i.fi.Modified }
func (i *info) IsDir() bool        { return i.fi.IsDir }
func (i *info) Sys() any           { return nil }
func (i *info) Mode() fs.FileMode {
	if i.fi.IsDir {
		return fs.ModeDir | 0o770
	}
	return 0o660
}

// ETag is the stored ETag: a new one for every version (RFC 4918 §8.6).
func (i *info) ETag(context.Context) (string, error) { return i.fi.ETag, nil }

// ContentType is chosen by extension, never by reading the blob.
func (i *info) ContentType(context.Context) (string, error) { return contentType(i.name), nil }

func contentType(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

var errNotDir = errors.New("not a folder")

// entry is an existing file or directory opened for reading (GET by
// copy, PROPFIND, PROPPATCH). The blob is opened on the first read only.
type entry struct {
	rq   *request
	f    *groups.Folder
	gid  string
	fi   *groups.FileInfo
	r    io.ReadSeekCloser
	list []os.FileInfo // the list of groups, for the root
	root bool
}

func (e *entry) Close() error {
	if e.r != nil {
		return e.r.Close()
	}
	return nil
}

func (e *entry) open() error {
	if e.r != nil {
		return nil
	}
	if e.fi.IsDir {
		return errNotDir
	}
	r, _, err := e.f.Open(e.rq.ctx, e.fi.Path)
	if err != nil {
		return osError("open", e.fi.Path, err)
	}
	e.r = r
	return nil
}

func (e *entry) Read(p []byte) (int, error) {
	if err := e.open(); err != nil {
		return 0, err
	}
	return e.r.Read(p)
}

func (e *entry) Seek(off int64, whence int) (int64, error) {
	if err := e.open(); err != nil {
		return 0, err
	}
	return e.r.Seek(off, whence)
}

func (e *entry) Write([]byte) (int, error) { return 0, os.ErrPermission }

func (e *entry) Stat() (os.FileInfo, error) {
	if e.root {
		return e.rq.h.rootInfo(), nil
	}
	return &info{fi: e.fi, name: baseName(e.gid, e.fi.Path)}, nil
}

// Readdir lists a directory and keeps its entries and their dead
// properties for the Stat and OpenFile calls that follow in a PROPFIND.
func (e *entry) Readdir(int) ([]os.FileInfo, error) {
	if e.root {
		return e.list, nil
	}
	if !e.fi.IsDir {
		return nil, errNotDir
	}
	list, err := e.f.List(e.rq.ctx, e.fi.Path)
	if err != nil {
		return nil, osError("readdir", e.fi.Path, err)
	}
	props, err := e.f.ChildProps(e.rq.ctx, e.fi.Path)
	if err != nil {
		return nil, err
	}
	if e.rq.stats == nil {
		e.rq.stats, e.rq.props = map[string]*groups.FileInfo{}, map[string][]groups.Prop{}
	}
	out := make([]os.FileInfo, 0, len(list))
	for _, fi := range list {
		key := e.gid + "/" + fi.Path
		e.rq.stats[key], e.rq.props[key] = fi, props[fi.Path]
		out = append(out, &info{fi: fi, name: fi.Name()})
	}
	return out, nil
}

// rootDir is "/": one collection per group whose folder the user may open.
func (rq *request) rootDir(ctx context.Context) (webdav.File, error) {
	gs, err := rq.h.opts.Store.FolderGroups(ctx, rq.actor)
	if err != nil {
		return nil, err
	}
	e := &entry{rq: rq, root: true}
	for _, g := range gs {
		f, err := rq.folder(g.ID)
		if err != nil {
			continue
		}
		fi, err := f.Stat(ctx, "")
		if err != nil {
			return nil, err
		}
		e.list = append(e.list, &info{fi: fi, name: g.ID})
	}
	return e, nil
}

// rootInfo describes "/".
func (h *handler) rootInfo() os.FileInfo {
	return &info{fi: &groups.FileInfo{IsDir: true, ETag: h.rootETag, Created: h.started, Modified: h.started}, name: ""}
}

// writeFile is a new version of a file being uploaded (PUT, or the target
// of a COPY). Close commits it only if the body was read to its end.
type writeFile struct {
	rq   *request
	up   *groups.Upload
	name string
}

func (w *writeFile) note(err error) error {
	if errors.Is(err, groups.ErrTooLarge) {
		w.rq.quotaHit = true
	}
	return err
}

func (w *writeFile) Write(p []byte) (int, error) {
	n, err := w.up.Write(p)
	return n, w.note(err)
}

// ReadFrom streams the body into the upload (io.Copy prefers it).
func (w *writeFile) ReadFrom(r io.Reader) (int64, error) {
	n, err := w.up.ReadFrom(r)
	return n, w.note(err)
}

func (w *writeFile) Close() error {
	_, err := w.up.Commit(w.rq.ctx)
	return w.note(err)
}

func (w *writeFile) Read([]byte) (int, error)           { return 0, os.ErrPermission }
func (w *writeFile) Seek(int64, int) (int64, error)     { return 0, os.ErrPermission }
func (w *writeFile) Readdir(int) ([]os.FileInfo, error) { return nil, errNotDir }

func (w *writeFile) Stat() (os.FileInfo, error) {
	m := w.up.Modified()
	fi := &groups.FileInfo{Path: w.name, Size: w.up.Size(), ETag: w.up.ETag(), Created: m, Modified: m}
	return &info{fi: fi, name: fi.Name()}, nil
}
