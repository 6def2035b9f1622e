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
func BenchmarkAcceptPosts(b *testing.B) {
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
			c, err := gosmtp.Dial(addr)
			if err != nil {
				b.Error(err)
				return
			}
			defer c.Close()
			for i := 0; i < per; i++ {
				if err := c.SendMail(stranger, []string{"small@" + listDomain}, strings.NewReader(msg)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
