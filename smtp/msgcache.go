package smtp

import (
	"context"

	"groupd/groups"
)

// msgCache keeps a worker's last few queued messages, so that the batches
// of one post read its data once. A message of more than cacheMaxBytes is
// not kept: held by each of the workers it would multiply memory (issue 16
// finding 6); the budget (deliver.go) bounds it while it is sent.
type msgCache struct {
	m     map[int64]*groups.OutboundMessage
	order []int64
}

const (
	msgCacheSize  = 4
	cacheMaxBytes = 1 << 20
)

func newMsgCache() *msgCache { return &msgCache{m: map[int64]*groups.OutboundMessage{}} }

func (c *msgCache) get(ctx context.Context, st *groups.Store, oid int64) (*groups.OutboundMessage, error) {
	if m, ok := c.m[oid]; ok {
		return m, nil
	}
	m, err := st.LoadOutbound(ctx, oid)
	if err != nil {
		return nil, err
	}
	if len(m.Data) > cacheMaxBytes {
		return m, nil
	}
	if len(c.order) >= msgCacheSize {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	c.m[oid] = m
	c.order = append(c.order, oid)
	return m, nil
}
