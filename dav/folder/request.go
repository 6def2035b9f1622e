package folder

import (
	"context"

	"groupd/groups"
)

// request is the state of one HTTP request: the actor, the folders opened
// for it, and what the FileSystem and LockSystem learnt that the answer
// depends on. It implements webdav.FileSystem (fs.go) and
// webdav.LockSystem (locks.go) for that request only.
type request struct {
	h      *handler
	ctx    context.Context
	actor  groups.Actor
	method string
	name   string // the request's resource
	dest   string // the Destination of COPY and MOVE

	// ifTokens are the state tokens the If: header names, negated or not.
	ifTokens map[string]bool

	folders map[string]*groups.Folder
	ferrs   map[string]error
	locks   map[string][]groups.Lock // by group id, read once

	// Cached by Readdir for the Stat and OpenFile calls of a PROPFIND that
	// follow it; cleared by every change.
	stats map[string]*groups.FileInfo
	props map[string][]groups.Prop

	wantQuota         bool // the PROPFIND names an RFC 4331 property
	wantSupportedLock bool // the PROPFIND names supportedlock
	quotaHit          bool // an upload went over the quota: answer 507
	replaces          bool // the PUT replaces a file: 204, not 201
	lockFail          bool // a write met a lock none of the If: tokens names
	tokenOK           bool // some If: token named a lock of the resource
}

func (h *handler) newRequest(ctx context.Context, a groups.Actor, method string) *request {
	return &request{h: h, ctx: ctx, actor: a, method: method,
		folders: map[string]*groups.Folder{}, ferrs: map[string]error{},
		locks: map[string][]groups.Lock{}}
}

// folder opens (once per request) the folder of the group id.
func (rq *request) folder(id string) (*groups.Folder, error) {
	if f, ok := rq.folders[id]; ok {
		return f, nil
	}
	if err, ok := rq.ferrs[id]; ok {
		return nil, err
	}
	f, err := rq.h.opts.Store.OpenFolder(rq.ctx, rq.actor, id, rq.h.opts.DefaultQuota)
	if err != nil {
		rq.ferrs[id] = err
		return nil, err
	}
	rq.folders[id] = f
	return f, nil
}

// groupLocks reads (once per request) the active locks of a group.
func (rq *request) groupLocks(id string) ([]groups.Lock, error) {
	if l, ok := rq.locks[id]; ok {
		return l, nil
	}
	f, err := rq.folder(id)
	if err != nil {
		return nil, nil // no folder, no locks: the operation itself will fail
	}
	l, err := f.Locks(rq.ctx)
	if err != nil {
		return nil, err
	}
	rq.locks[id] = l
	return l, nil
}

// changed forgets what was cached: the request is changing things.
func (rq *request) changed() {
	rq.stats, rq.props = nil, nil
}

// stat describes name, from the Readdir cache when there.
func (rq *request) stat(name string) (*groups.FileInfo, *groups.Folder, error) {
	gid, p := split(name)
	f, err := rq.folder(gid)
	if err != nil {
		return nil, nil, err
	}
	if fi, ok := rq.stats[gid+"/"+p]; ok {
		return fi, f, nil
	}
	fi, err := f.Stat(rq.ctx, p)
	return fi, f, err
}
