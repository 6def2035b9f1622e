package calendar

import (
	"container/list"
	"strings"
	"sync"

	"github.com/emersion/go-ical"

	"groupd/groups"
)

// lru is a map that keeps its most recently used values within a total
// cost (a count, or bytes); safe for concurrent use. max <= 0 keeps
// nothing.
type lru[K comparable, V any] struct {
	mu   sync.Mutex
	max  int64
	used int64
	ll   *list.List
	m    map[K]*list.Element
}

type lruItem[K comparable, V any] struct {
	key  K
	val  V
	cost int64
}

func newLRU[K comparable, V any](max int64) *lru[K, V] {
	return &lru[K, V]{max: max, ll: list.New(), m: map[K]*list.Element{}}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[k]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*lruItem[K, V]).val, true
	}
	var zero V
	return zero, false
}

// add keeps v under k (replacing what was there), then drops the least
// recently used values until the total is within max; a value costing
// more than max is not kept.
func (c *lru[K, V]) add(k K, v V, cost int64) {
	if cost > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[k]; ok {
		it := el.Value.(*lruItem[K, V])
		c.used += cost - it.cost
		it.val, it.cost = v, cost
		c.ll.MoveToFront(el)
	} else {
		c.m[k] = c.ll.PushFront(&lruItem[K, V]{k, v, cost})
		c.used += cost
	}
	for c.used > c.max {
		it := c.ll.Remove(c.ll.Back()).(*lruItem[K, V])
		delete(c.m, it.key)
		c.used -= it.cost
	}
}

// parseCache keeps recently parsed recurring objects by ETag (a hash of
// the stored bytes), so that repeated calendar-queries do not parse them
// again: they are candidates of every query. Parsed calendars are only
// read, never changed.
type parseCache struct{ l *lru[string, *ical.Calendar] }

func newParseCache(max int) *parseCache {
	return &parseCache{newLRU[string, *ical.Calendar](int64(max))}
}

// parse returns the parsed object, from the cache when it was seen.
func (pc *parseCache) parse(o *groups.CalObject) (*ical.Calendar, error) {
	if cal, ok := pc.l.get(o.ETag); ok {
		return cal, nil
	}
	cal, err := decodeString(o.Data)
	if err != nil || !recurring(o.Data) {
		// Single events are parsed only when their span meets the
		// window; recurring ones are candidates of every query.
		return cal, err
	}
	pc.l.add(o.ETag, cal, 1)
	return cal, nil
}

func recurring(data string) bool {
	return strings.Contains(data, "RRULE") || strings.Contains(data, "RDATE")
}
