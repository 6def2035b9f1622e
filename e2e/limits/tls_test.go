package limits

import (
	"bufio"
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"testing"

	"groupd/config"
	"groupd/e2e/internal/e2etest"
)

// TestRefusalsOverTLS: on implicit-TLS listeners the refusal comes
// through TLS: 421 on submissions, 503 on HTTPS.
func TestRefusalsOverTLS(t *testing.T) {
	cert, key, err := config.WriteSelfSigned(t.TempDir(), []string{"localhost", "127.0.0.1"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	d := e2etest.Start(t, func(c *config.Config) {
		c.TLS = config.TLS{CertFile: cert, KeyFile: key, HTTP: true}
		c.Listen.Submissions = "127.0.0.1:0"
		c.Limits.MaxConnectionsPerIP = 1
	})
	conf := &tls.Config{InsecureSkipVerify: true} // a self-signed test certificate

	first := tlsDial(t, d.Addr("submissions").String(), conf)
	wantPrefix(t, "greeting", first.read(), "220 ")
	second := tlsDial(t, d.Addr("submissions").String(), conf)
	wantPrefix(t, "second connection", second.read(), "421 4.7.0 lists.example.test Too many connections from your address (the limit is 1)")

	held := tlsDial(t, d.Addr("http").String(), conf)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: conf, DisableKeepAlives: true}}
	res, err := client.Get("https://" + d.Addr("http").String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" || !strings.HasPrefix(string(b), "Too many connections from your address") {
		t.Fatalf("second HTTPS connection: %d %q %s", res.StatusCode, res.Header.Get("Retry-After"), b)
	}
	held.c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: groupd\r\nConnection: close\r\n\r\n"))
	wantPrefix(t, "the held connection", held.read(), "HTTP/1.1 200 ")
}

func tlsDial(t *testing.T, addr string, conf *tls.Config) *line {
	t.Helper()
	c, err := tls.Dial("tcp", addr, conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &line{t: t, c: c, r: bufio.NewReader(c)}
}
