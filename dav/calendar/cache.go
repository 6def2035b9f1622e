package calendar

import (
	"container/list"
	"strings"
	"sync"

	"github.com/emersion/go-ical"

	"groupd/groups"
)

// parseCache keeps recently parsed recurring objects by ETag (a hash of
// the stored bytes), so that repeated calendar-queries do not parse them
// again: they are candidates of every query. Parsed calendars are only read, never changed.
type parseCache struct {
	mu  sync.Mutex
	max int
	ll  *list.List
	m   map[string]*list.Element
}

type cacheEntry struct {
	etag string
	cal  *ical.Calendar
}

func newParseCache(max int) *parseCache {
	return &parseCache{max: max, ll: list.New(), m: map[string]*list.Element{}}
}

// parse returns the parsed object, from the cache when it was seen.
func (pc *parseCache) parse(o *groups.CalObject) (*ical.Calendar, error) {
	pc.mu.Lock()
	if el, ok := pc.m[o.ETag]; ok {
		pc.ll.MoveToFront(el)
		pc.mu.Unlock()
		return el.Value.(*cacheEntry).cal, nil
	}
	pc.mu.Unlock()
	cal, err := decodeString(o.Data)
	if err != nil || pc.max <= 0 || !recurring(o.Data) {
		// Single events are parsed only when their span meets the
		// window; recurring ones are candidates of every query.
		return cal, err
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if _, ok := pc.m[o.ETag]; !ok {
		pc.m[o.ETag] = pc.ll.PushFront(&cacheEntry{o.ETag, cal})
		for pc.ll.Len() > pc.max {
			old := pc.ll.Remove(pc.ll.Back()).(*cacheEntry)
			delete(pc.m, old.etag)
		}
	}
	return cal, nil
}

func recurring(data string) bool {
	return strings.Contains(data, "RRULE") || strings.Contains(data, "RDATE")
}
