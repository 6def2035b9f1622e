package folder

import (
	"context"
	"errors"
	"os"

	"golang.org/x/net/webdav"

	"groupd/groups"
)

// fsys is webdav.FileSystem over the groups store for one request. Names
// are "/<group-id>/<path>"; "/" is the list of the user's groups.
type fsys struct{ *request }

var _ webdav.FileSystem = fsys{}

// Mkdir creates a collection (RFC 4918 §9.3). Groups themselves are not
// created over WebDAV.
func (fs fsys) Mkdir(ctx context.Context, name string, _ os.FileMode) error {
	gid, p := split(name)
	f, err := fs.folder(gid)
	if gid == "" || err != nil {
		return osError("mkdir", name, groups.ErrDenied)
	}
	fs.changed()
	return osError("mkdir", name, f.Mkdir(ctx, p))
}

// OpenFile opens name: with O_CREATE for a new version of a file (PUT, the
// target of COPY), else for reading and property changes.
func (fs fsys) OpenFile(ctx context.Context, name string, flag int, _ os.FileMode) (webdav.File, error) {
	gid, p := split(name)
	if gid == "" {
		if flag&os.O_CREATE != 0 {
			return nil, osError("open", name, groups.ErrDenied)
		}
		return fs.rootDir(ctx)
	}
	f, err := fs.folder(gid)
	if err != nil {
		return nil, osError("open", name, err)
	}
	if flag&os.O_CREATE != 0 {
		fs.changed()
		up, err := f.BeginUpload(ctx, p, fs.h.opts.TempDir)
		if err != nil {
			return nil, osError("open", name, err)
		}
		return &writeFile{rq: fs.request, up: up, name: p}, nil
	}
	fi, _, err := fs.stat(name)
	if err != nil {
		return nil, osError("open", name, err)
	}
	return &entry{rq: fs.request, f: f, gid: gid, fi: fi}, nil
}

// RemoveAll deletes name and everything under it (RFC 4918 §9.6). The
// destination of a MOVE, or of a COPY of a file onto a file, is not
// deleted here: the move or the upload replaces it atomically, so that a
// failure leaves it as it was.
func (fs fsys) RemoveAll(ctx context.Context, name string) error {
	gid, p := split(name)
	if gid == "" || p == "" {
		return osError("remove", name, groups.ErrDenied)
	}
	if name == fs.dest && (fs.method == "MOVE" || (fs.method == "COPY" && fs.filesOnly())) {
		return nil
	}
	f, err := fs.folder(gid)
	if err != nil {
		return osError("remove", name, err)
	}
	fs.changed()
	return osError("remove", name, f.RemoveAll(ctx, p))
}

// Rename moves oldName to newName, which does not exist (RFC 4918 §9.9),
// also from one group's folder to another's.
func (fs fsys) Rename(ctx context.Context, oldName, newName string) error {
	sg, sp := split(oldName)
	dg, dp := split(newName)
	if sp == "" || dp == "" {
		return osError("rename", oldName, groups.ErrDenied)
	}
	from, err := fs.folder(sg)
	if err != nil {
		return osError("rename", oldName, err)
	}
	to, err := fs.folder(dg)
	if err != nil {
		return osError("rename", newName, err)
	}
	fs.changed()
	err = from.Move(ctx, sp, to, dp)
	if errors.Is(err, groups.ErrTooLarge) {
		fs.quotaHit = true
	}
	return osError("rename", oldName, err)
}

// Stat describes name.
func (fs fsys) Stat(ctx context.Context, name string) (os.FileInfo, error) {
	gid, p := split(name)
	if gid == "" {
		return fs.h.rootInfo(), nil
	}
	fi, _, err := fs.stat(name)
	if err != nil {
		return nil, osError("stat", name, err)
	}
	return &info{fi: fi, name: baseName(gid, p)}, nil
}

func baseName(gid, p string) string {
	if p == "" {
		return gid
	}
	fi := groups.FileInfo{Path: p}
	return fi.Name()
}

// filesOnly reports whether the source and destination of a COPY are both
// files.
func (fs fsys) filesOnly() bool {
	src, _, err := fs.stat(fs.name)
	if err != nil || src.IsDir {
		return false
	}
	dst, _, err := fs.stat(fs.dest)
	return err == nil && !dst.IsDir
}
