package calendar

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	gocaldav "github.com/emersion/go-webdav/caldav"

	"groupd/groups"
)

const (
	minInt = math.MinInt64
	maxInt = math.MaxInt64
)

// backend is the gocaldav.Backend that go-webdav's handler calls for GET,
// HEAD and DELETE. It acts for the user of the request (reqState in the
// context).
type backend struct{ h *handler }

var errNoState = errors.New("calendar: request without state")

func (b *backend) state(ctx context.Context) (*reqState, error) {
	st := stateOf(ctx)
	if st == nil {
		return nil, errNoState
	}
	return st, nil
}

func (b *backend) CurrentUserPrincipal(ctx context.Context) (string, error) {
	st, err := b.state(ctx)
	if err != nil {
		return "", err
	}
	return b.h.principalPath(st.user.Email), nil
}

func (b *backend) CalendarHomeSetPath(ctx context.Context) (string, error) {
	return b.h.homePath(), nil
}

func (b *backend) CreateCalendar(ctx context.Context, c *gocaldav.Calendar) error {
	return webdav.NewHTTPError(http.StatusForbidden, errors.New("group calendars are fixed; a new calendar cannot be created"))
}

func (b *backend) calendarOf(c *groups.Calendar) gocaldav.Calendar {
	comp := ical.CompEvent
	if c.Feature == groups.FeatureTask {
		comp = ical.CompToDo
	}
	return gocaldav.Calendar{Path: b.h.collPath(c.GroupID, c.Feature), Name: collName(c, b.h.store.Language()),
		MaxResourceSize: b.h.opts.MaxResourceSize, SupportedComponentSet: []string{comp}}
}

func (b *backend) ListCalendars(ctx context.Context) ([]gocaldav.Calendar, error) {
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	colls, err := b.h.store.CalCollections(ctx, st.actor)
	if err != nil {
		return nil, davError(err)
	}
	var out []gocaldav.Calendar
	for _, cc := range colls {
		if c, err := st.calendar(ctx, cc.GroupID, cc.Feature); err == nil {
			out = append(out, b.calendarOf(c))
		}
	}
	return out, nil
}

// open resolves a collection or object path to its collection.
func (b *backend) open(ctx context.Context, p string, want kind) (*reqState, *groups.Calendar, target, error) {
	st, err := b.state(ctx)
	if err != nil {
		return nil, nil, target{}, err
	}
	t, ok := parsePath(b.h.prefix, p)
	if !ok || t.kind != want {
		return nil, nil, t, webdav.NewHTTPError(http.StatusNotFound, errors.New("no such calendar object"))
	}
	c, err := st.calendar(ctx, t.group, t.feature)
	if err != nil {
		return nil, nil, t, davError(err)
	}
	return st, c, t, nil
}

func (b *backend) GetCalendar(ctx context.Context, p string) (*gocaldav.Calendar, error) {
	_, c, _, err := b.open(ctx, p, kCollection)
	if err != nil {
		return nil, err
	}
	cal := b.calendarOf(c)
	return &cal, nil
}

func (b *backend) GetCalendarObject(ctx context.Context, p string, req *gocaldav.CalendarCompRequest) (*gocaldav.CalendarObject, error) {
	_, c, t, err := b.open(ctx, p, kObject)
	if err != nil {
		return nil, err
	}
	o, err := c.Get(ctx, t.name)
	if err != nil {
		return nil, davError(err)
	}
	return b.object(t, o)
}

// object parses a stored object for go-webdav. Stored data is the
// canonical encoding of go-ical, so its re-encoding is byte-identical.
func (b *backend) object(t target, o *groups.CalObject) (*gocaldav.CalendarObject, error) {
	cal, err := decodeString(o.Data)
	if err != nil {
		return nil, err
	}
	return &gocaldav.CalendarObject{Path: b.h.objPath(t.group, t.feature, o.Name), ModTime: o.Modified,
		ContentLength: o.Size, ETag: strings.Trim(o.ETag, `"`), Data: cal}, nil
}

func (b *backend) ListCalendarObjects(ctx context.Context, p string, req *gocaldav.CalendarCompRequest) ([]gocaldav.CalendarObject, error) {
	return b.QueryCalendarObjects(ctx, p, nil)
}

// PutCalendarObject is never reached: the handler stores PUTs itself
// (put.go), from the body it has checked.
func (b *backend) PutCalendarObject(ctx context.Context, p string, _ *ical.Calendar, opts *gocaldav.PutCalendarObjectOptions) (*gocaldav.CalendarObject, error) {
	return nil, webdav.NewHTTPError(http.StatusMethodNotAllowed, errors.New("PUT is served by the handler"))
}

func (b *backend) DeleteCalendarObject(ctx context.Context, p string) error {
	st, c, t, err := b.open(ctx, p, kObject)
	if err != nil {
		return err
	}
	if err := c.DeleteIf(ctx, t.name, st.r.Header.Get("If-Match"), st.r.Header.Get("If-None-Match")); err != nil {
		return davError(err)
	}
	return nil
}
