package smtp

import (
	"context"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// sendFrom posts data to addr from the loopback address local, with
// SIZE declared when size > 0, and says how long it took.
func sendFrom(t *testing.T, addr, local string, size int64, data string) (time.Duration, error) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c := gosmtp.NewClient(conn)
	defer c.Close()
	if err := c.Hello("client.example"); err != nil {
		t.Fatal(err)
	}
	var opts *gosmtp.MailOptions
	if size > 0 {
		opts = &gosmtp.MailOptions{Size: size}
	}
	if err := c.Mail(alice, opts); err != nil {
		return time.Since(start), err
	}
	if err := c.Rcpt(teamList, nil); err != nil {
		return time.Since(start), err
	}
	wc, err := c.Data()
	if err != nil {
		return time.Since(start), err
	}
	io.WriteString(wc, data)
	err = wc.Close()
	return time.Since(start), err
}

// TestTarpitSlowsOversizedSenders (issue 16, finding 6): a client that
// sends a message over the size limit without SIZE is refused 552, and
// its address's next message, taken, comes in at TarpitRate (64 KiB at
// 32 KiB/s: 2 s at least); another address, and an address whose
// oversized message was refused at MAIL for its SIZE, are not slowed.
func TestTarpitSlowsOversizedSenders(t *testing.T) {
	w := newWorld(t, nil, func(o *Options) {
		o.MaxMessageBytes = 96 << 10
		o.TarpitRate = 32 << 10
	})
	line := strings.Repeat("z", 70) + "\r\n"
	big := post(alice, "too big", strings.Repeat(line, (128<<10)/len(line)))
	fits := post(alice, "fits", strings.Repeat(line, (64<<10)/len(line)))

	_, err := sendFrom(t, w.addr, "127.0.0.2", 0, big)
	wantCode(t, err, 552, "5.3.4")
	_, err = sendFrom(t, w.addr, "127.0.0.4", int64(len(big)), big)
	wantCode(t, err, 552, "5.3.4")

	slowed, err := sendFrom(t, w.addr, "127.0.0.2", 0, fits)
	if err != nil {
		t.Fatalf("the slowed address's next message: %v", err)
	}
	if slowed < 2*time.Second {
		t.Fatalf("64 KiB from the slowed address took %v, want 2 s at least at 32 KiB/s", slowed)
	}
	for _, ip := range []string{"127.0.0.3", "127.0.0.4"} {
		took, err := sendFrom(t, w.addr, ip, 0, fits)
		if err != nil {
			t.Fatalf("%s: %v", ip, err)
		}
		if took > slowed/2 {
			t.Fatalf("%s took %v, as slow as the slowed address (%v)", ip, took, slowed)
		}
	}
}

// TestTarpitBudget: the budget is shared by an address's connections,
// ends TarpitFor after the last refusal, keeps IPv6 by /64, and
// remembers at most maxPits addresses.
func TestTarpitBudget(t *testing.T) {
	now := time.Unix(1e9, 0)
	tp := newTarpit(&Options{TarpitRate: 1000, TarpitFor: time.Minute, BulkRate: 1000, BulkBurst: 1000,
		Now: func() time.Time { return now }})
	a := &net.TCPAddr{IP: net.ParseIP("192.0.2.1"), Port: 1}
	key, _ := pitKey(a)
	if d := tp.delay(key, 500); d != 0 {
		t.Fatalf("unpunished address waits %v", d)
	}
	tp.punish(a)
	if d := tp.delay(key, 500); d != 500*time.Millisecond {
		t.Fatalf("first read: wait %v, want 500ms", d)
	}
	if d := tp.delay(key, 500); d != time.Second {
		t.Fatalf("second read (another connection): wait %v, want 1s", d)
	}
	now = now.Add(61 * time.Second)
	if d := tp.delay(key, 500); d != 0 {
		t.Fatalf("after TarpitFor: wait %v", d)
	}
	if d := tp.bulkDelay(1000); d != 0 {
		t.Fatalf("bulk within the burst waits %v", d)
	}
	if d := tp.bulkDelay(500); d != 500*time.Millisecond {
		t.Fatalf("bulk past the burst: wait %v, want 500ms", d)
	}
	v6a, _ := pitKey(&net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 1})
	v6b, _ := pitKey(&net.TCPAddr{IP: net.ParseIP("2001:db8::ffff:2"), Port: 1})
	if v6a != v6b || v6a != netip.MustParseAddr("2001:db8::") {
		t.Fatalf("IPv6 keys %v %v, want one /64", v6a, v6b)
	}
	for i := range maxPits + 10 {
		tp.punish(&net.TCPAddr{IP: net.IPv4(10, byte(i>>16), byte(i>>8), byte(i)), Port: 1})
	}
	if len(tp.pits) > maxPits {
		t.Fatalf("%d addresses remembered, want at most %d", len(tp.pits), maxPits)
	}
}

// TestBulkPaceAndShutdown: message data past the first MiB is read at
// BulkRate after BulkBurst (1.5 MiB at 512 KiB/s after 64 KiB: 0.75 s
// at least), and Shutdown does not wait for a slowed sender: it is cut, and
// the server stops within its deadline.
func TestBulkPaceAndShutdown(t *testing.T) {
	st := newStore(t)
	addUsers(t, st, alice, bob)
	addGroup(t, st, "team", []string{alice}, []string{bob}, nil)
	srv, err := NewServer(Options{Store: st, Hostname: listDomain, BulkRate: 512 << 10, BulkBurst: 64 << 10,
		MaxMessageBytes: 2 << 20, TarpitRate: 8 << 10})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Serve(l); close(done) }()
	addr := l.Addr().String()
	line := strings.Repeat("z", 70) + "\r\n"
	took, err := sendFrom(t, addr, "127.0.0.2", 0, post(alice, "large", strings.Repeat(line, (1536<<10)/len(line))))
	if err != nil {
		t.Fatal(err)
	}
	if took < 750*time.Millisecond {
		t.Fatalf("1.5 MiB took %v, want 0.75 s at least at 512 KiB/s past the first MiB", took)
	}
	_, err = sendFrom(t, addr, "127.0.0.3", 0, post(alice, "too big", strings.Repeat(line, (2<<20+16<<10)/len(line))))
	wantCode(t, err, 552, "5.3.4")
	slowed := make(chan error, 1)
	go func() {
		_, err := sendFrom(t, addr, "127.0.0.3", 0, post(alice, "fits", strings.Repeat(line, (64<<10)/len(line))))
		slowed <- err
	}()
	time.Sleep(500 * time.Millisecond) // in its DATA, at 8 KiB/s
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with a slowed sender: %v", err)
	}
	<-done
	if err := <-slowed; err == nil {
		t.Fatal("the slowed sender's message was taken at Shutdown")
	}
}
