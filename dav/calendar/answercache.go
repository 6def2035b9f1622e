package calendar

import (
	"context"
	"strings"

	"groupd/groups"
)

// answerCache keeps, for calendar-multiget, the objects last read with
// their calendar-data already escaped for XML, shared by every request
// and bounded in bytes (Options.AnswerCacheBytes). A multiget of 200
// spent a third of its time reading the objects from the store (a
// B-tree look-up per href) and a fifth escaping them; from the cache it
// reads one number per collection.
//
// An entry is keyed by group, feature and name and holds the collection's
// sync token read before the object: it is used only while the
// collection's token is still that one. Every change to a collection's
// objects moves its token (the cal_changes triggers, serialised on
// cal_seq on both databases, so tokens grow in commit order), so an
// entry is never older than the collection it is used for. The
// collection is opened for the user (the membership check) before any
// entry of it is read.
type answerCache struct{ l *lru[objKey, *objEntry] }

// objKey names an object: group, feature, name.
type objKey struct{ group, feature, name string }

// objEntry is one object as a multiget answers it.
type objEntry struct {
	token int64            // the collection's sync token read before o
	o     groups.CalObject // without Data
	data  string           // o's calendar-data escaped as XML text
}

// entryOverhead approximates what an entry costs beside its strings: the
// entry, the list element and item, the map slot.
const entryOverhead = 256

func newAnswerCache(maxBytes int64) *answerCache {
	return &answerCache{newLRU[objKey, *objEntry](maxBytes)}
}

func newObjEntry(token int64, o *groups.CalObject) *objEntry {
	e := &objEntry{token: token, o: *o, data: escape(o.Data)}
	e.o.Data = ""
	return e
}

// load puts into st.entries the named objects of c that exist: from the
// cache those read since c's last change, the others from the store,
// which are then kept. c was opened for st's user.
func (ac *answerCache) load(ctx context.Context, st *reqState, c *groups.Calendar, names []string) error {
	token, err := c.Token(ctx)
	if err != nil {
		return err
	}
	var miss []string
	for _, n := range names {
		k := objKey{c.GroupID, c.Feature, n}
		if e, ok := ac.l.get(k); ok && e.token == token {
			st.entries[k] = e
		} else {
			miss = append(miss, n)
		}
	}
	if len(miss) == 0 {
		return nil
	}
	objs, err := c.GetMany(ctx, miss)
	if err != nil {
		return err
	}
	// The group id is a part of the request's body (the href): a copy,
	// so that the entries do not keep the body.
	group := strings.Clone(c.GroupID)
	for _, o := range objs {
		k := objKey{group, c.Feature, o.Name}
		e := newObjEntry(token, o)
		st.entries[k] = e
		ac.l.add(k, e, int64(len(k.group)+len(k.feature)+2*len(o.Name)+len(o.UID)+len(o.ETag)+len(e.data))+entryOverhead)
	}
	return nil
}

// response answers q for the object at p as objResponse does for the
// object read with its data (the multiget golden test holds them equal).
func (e *objEntry) response(p, feature string, q propReq) response {
	return objResponseWith(p, &e.o, feature, q, prop{name: calendarDataName, inner: e.data})
}
