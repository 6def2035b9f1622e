package smtp

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
)

// BenchmarkAcceptPosts: durable acceptance of 4 KB posts to a 100-member
// list from 20 concurrent sessions (no queue running).
func BenchmarkAcceptPosts(b *testing.B) { benchAccept(b, false) }

// BenchmarkAcceptPostsNewConn: the same with one connection per post, as
// smtp-source does.
func BenchmarkAcceptPostsNewConn(b *testing.B) { benchAccept(b, true) }

func benchAccept(b *testing.B, newConn bool) {
	st := newStore(b)
	ext := make([]string, 100)
	for i := range ext {
		ext[i] = fmt.Sprintf("r%03d@sink.example", i)
	}
	addUsers(b, st, alice)
	addGroup(b, st, "small", []string{alice}, nil, &groups.ListSpec{SendRestriction: ptr("anyone"), ExternalMembers: &ext})
	addr := startServer(b, st, nil)
	msg := "From: " + stranger + "\r\nSubject: bench\r\n\r\n" + strings.Repeat(strings.Repeat("x", 78)+"\r\n", 50)
	const sessions = 20
	b.SetBytes(int64(len(msg)))
	b.ResetTimer()
	var wg sync.WaitGroup
	per := (b.N + sessions - 1) / sessions
	for s := 0; s < sessions; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var c *gosmtp.Client
			for i := 0; i < per; i++ {
				if c == nil {
					var err error
					if c, err = gosmtp.Dial(addr); err != nil {
						b.Error(err)
						return
					}
				}
				if err := c.SendMail(stranger, []string{"small@" + listDomain}, strings.NewReader(msg)); err != nil {
					b.Error(err)
					return
				}
				if newConn {
					c.Quit()
					c = nil
				}
			}
			if c != nil {
				c.Quit()
			}
		}()
	}
	wg.Wait()
}
