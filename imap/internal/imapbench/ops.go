package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// server is an IMAP server under measure: groupd or its peer, Dovecot,
// holding the same posts.
type server struct {
	name     string
	addr     string
	user     string
	mailbox  string
	password string
	// deliver adds one more post to the mailbox and returns when the
	// server has it (groupd: SMTP's 250; Dovecot: the file renamed into
	// the Maildir), for the IDLE measure.
	deliver func(i int) error
}

// results are one server's times.
type results struct {
	cold                        time.Duration // the first sync after start
	again, search, bodies, idle []time.Duration
}

// syncItems is what a client's first sync asks for (issue 14).
var syncItems = &goimap.FetchOptions{UID: true, Flags: true, Envelope: true, BodyStructure: &goimap.FetchItemBodyStructure{Extended: true}}

// measure logs in to srv and times, on a mailbox of posts: a client's
// first sync (cold, then runs more), UID SEARCH TEXT of the needle (1%
// of the posts), UID FETCH BODY.PEEK[] of 100 random posts, and the time
// from a delivery to the untagged EXISTS on an IDLE connection.
func measure(srv server, posts, runs int) (*results, error) {
	c, err := login(srv, nil)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	sel, err := c.Select(srv.mailbox, &goimap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, err
	}
	if int(sel.NumMessages) != posts {
		return nil, fmt.Errorf("%s: %s holds %d messages, want %d", srv.name, srv.mailbox, sel.NumMessages, posts)
	}
	sync := func() error {
		msgs, err := c.Fetch(goimap.UIDSet{{Start: 1, Stop: 0}}, syncItems).Collect()
		if err == nil && (len(msgs) != posts || msgs[0].Envelope == nil || msgs[0].BodyStructure == nil) {
			err = fmt.Errorf("%s: FETCH returned %d messages, want %d with envelopes and structures", srv.name, len(msgs), posts)
		}
		return err
	}
	search := func() error {
		res, err := c.UIDSearch(&goimap.SearchCriteria{Text: []string{needle}}, nil).Wait()
		if err == nil && len(res.AllUIDs()) != hits(posts) {
			err = fmt.Errorf("%s: SEARCH TEXT %s found %d posts, want %d", srv.name, needle, len(res.AllUIDs()), hits(posts))
		}
		return err
	}
	r := &results{}
	if r.cold, err = timed(sync); err != nil {
		return nil, err
	}
	if r.again, err = repeat(sync, runs); err != nil {
		return nil, err
	}
	if r.search, err = repeat(search, runs); err != nil {
		return nil, err
	}
	rnd := rand.New(rand.NewPCG(1, 2)) // the same posts on both servers
	if r.bodies, err = repeat(func() error { return fetchBodies(c, rnd, posts) }, runs); err != nil {
		return nil, err
	}
	if r.idle, err = idleLatency(srv, posts, runs); err != nil {
		return nil, err
	}
	return r, nil
}

func login(srv server, h *imapclient.UnilateralDataHandler) (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(srv.addr, &imapclient.Options{UnilateralDataHandler: h})
	if err != nil {
		return nil, err
	}
	if err := c.Login(srv.user, srv.password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("%s: LOGIN: %w", srv.name, err)
	}
	return c, nil
}

// fetchBodies fetches BODY.PEEK[] of 100 random posts in one command.
func fetchBodies(c *imapclient.Client, rnd *rand.Rand, posts int) error {
	var set goimap.UIDSet
	for range 100 {
		set.AddNum(goimap.UID(1 + rnd.IntN(posts)))
	}
	bs := &goimap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(set, &goimap.FetchOptions{UID: true, BodySection: []*goimap.FetchItemBodySection{bs}}).Collect()
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if len(m.FindBodySection(bs)) < 1000 {
			return fmt.Errorf("FETCH BODY[] of UID %d: %d bytes", m.UID, len(m.FindBodySection(bs)))
		}
	}
	return nil
}

// idleLatency times, runs times, from a delivery's end (SMTP's 250, or
// the file's rename) to the untagged EXISTS that an IDLE connection
// receives (RFC 2177); an EXISTS that came before the 250 reached the
// client counts as 0.
func idleLatency(srv server, posts, runs int) ([]time.Duration, error) {
	exists := make(chan arrival, 16)
	c, err := login(srv, &imapclient.UnilateralDataHandler{Mailbox: func(d *imapclient.UnilateralDataMailbox) {
		if d.NumMessages != nil {
			exists <- arrival{*d.NumMessages, time.Now()}
		}
	}})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Select(srv.mailbox, &goimap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return nil, err
	}
	idle, err := c.Idle()
	if err != nil {
		return nil, err
	}
	defer idle.Close()
	var out []time.Duration
	for i := range runs {
		time.Sleep(200 * time.Millisecond) // the server is idle again
		want := uint32(posts + i + 1)
		if err := srv.deliver(posts + i); err != nil {
			return nil, err
		}
		done := time.Now()
		at, err := waitExists(exists, want)
		if err != nil {
			return nil, fmt.Errorf("%s: IDLE: %w", srv.name, err)
		}
		out = append(out, max(0, at.Sub(done)))
	}
	return out, nil
}

// arrival is an untagged EXISTS and when the client read it.
type arrival struct {
	n  uint32
	at time.Time
}

func waitExists(exists <-chan arrival, want uint32) (time.Time, error) {
	timeout := time.After(10 * time.Second)
	for {
		select {
		case a := <-exists:
			if a.n >= want {
				return a.at, nil
			}
		case <-timeout:
			return time.Time{}, fmt.Errorf("no EXISTS %d within 10 s", want)
		}
	}
}
