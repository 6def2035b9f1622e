package folder

import (
	"strings"
	"time"

	"golang.org/x/net/webdav"

	"groupd/groups"
)

// locksys is webdav.LockSystem for one request, over the locks the groups
// store keeps in SQLite. x/net/webdav calls Confirm for a write with an
// If: header and Create for one without (a zero-depth lock held for the
// request); LOCK, UNLOCK and refreshes are served by lockmethod.go.
type locksys struct{ *request }

var _ webdav.LockSystem = locksys{}

const requestToken = "request:held"

// covering lists the locks that bear on a write to name: those covering
// it, and for DELETE, MOVE and COPY (which replace whole trees) the locks
// on its members too (RFC 4918 §7.4, §9.6.1).
func (ls locksys) covering(name string) ([]groups.Lock, error) {
	gid, p := split(name)
	if gid == "" {
		return nil, nil
	}
	all, err := ls.groupLocks(gid)
	if err != nil {
		return nil, err
	}
	tree := ls.method == "DELETE" || ls.method == "MOVE" || ls.method == "COPY"
	var out []groups.Lock
	for _, l := range all {
		if l.Covers(p) || (tree && (p == "" || strings.HasPrefix(l.Path, p+"/"))) {
			out = append(out, l)
		}
	}
	return out, nil
}

// Confirm checks one list of an If: header (RFC 4918 §10.4): every
// condition of the list holds for its resource, and every lock on the
// resources the request changes is named by a token of the header that
// belongs to the user (§10.4.1: all tokens of the header are submitted).
// The resources are taken from the request, not from name0 and name1:
// a list tagged with another resource must not unlock this one.
func (ls locksys) Confirm(_ time.Time, name0, name1 string, conds ...webdav.Condition) (func(), error) {
	target := name0
	if target == "" {
		target = name1
	}
	ok, err := ls.holds(target, conds)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, webdav.ErrConfirmationFailed
	}
	for _, name := range ls.changes() {
		locks, err := ls.covering(name)
		if err != nil {
			return nil, err
		}
		if !ls.named(locks, ls.ifTokens) {
			// The conditions hold but a lock is not named: 423, not 412.
			ls.lockFail = true
			return nil, webdav.ErrConfirmationFailed
		}
	}
	return func() {}, nil
}

// changes lists the resources the request changes: the request URI (not
// for COPY) and the destination of COPY and MOVE.
func (ls locksys) changes() []string {
	var out []string
	if ls.method != "COPY" {
		out = append(out, ls.name)
	}
	if ls.dest != "" {
		out = append(out, ls.dest)
	}
	return out
}

// named reports whether each lock in locks, or for shared locks on one
// root one of them, is named by one of the user's tokens.
func (ls locksys) named(locks []groups.Lock, tokens map[string]bool) bool {
	need := map[string]bool{} // a root with an exclusive lock, or "shared"
	for _, l := range locks {
		key := "shared:" + l.Path
		if !l.Shared {
			key = l.Token
		}
		if tokens[l.Token] && l.Creator == ls.actor.Email {
			need[key] = false
		} else if _, seen := need[key]; !seen {
			need[key] = true
		}
	}
	for _, missing := range need {
		if missing {
			return false
		}
	}
	return true
}

// holds evaluates the conditions of one list against the resource.
func (ls locksys) holds(name string, conds []webdav.Condition) (bool, error) {
	for _, c := range conds {
		var ok bool
		if c.Token != "" {
			locks, err := ls.covering(name)
			if err != nil {
				return false, err
			}
			for _, l := range locks {
				ok = ok || l.Token == c.Token
			}
		} else {
			fi, _, err := ls.stat(name)
			ok = err == nil && fi.ETag == c.ETag
		}
		if ok == c.Not {
			return false, nil
		}
	}
	return true, nil
}

// Create is called for a write without an If: header: it fails with
// ErrLocked when any lock bears on the resource.
func (ls locksys) Create(_ time.Time, d webdav.LockDetails) (string, error) {
	locks, err := ls.covering(d.Root)
	if err != nil {
		return "", err
	}
	if len(locks) > 0 {
		return "", webdav.ErrLocked
	}
	return requestToken, nil
}

// Refresh is never reached: LOCK is served by lockmethod.go.
func (ls locksys) Refresh(time.Time, string, time.Duration) (webdav.LockDetails, error) {
	return webdav.LockDetails{}, webdav.ErrNoSuchLock
}

// Unlock releases what Create held for the request: nothing.
func (ls locksys) Unlock(_ time.Time, token string) error {
	if token == requestToken {
		return nil
	}
	return webdav.ErrNoSuchLock
}
