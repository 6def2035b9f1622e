package console

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumBin is Debian's Chromium (apt-get install chromium).
const chromiumBin = "/usr/bin/chromium"

// browserStepTimeout bounds one browser step: generous for a loaded 2-core
// runner under -race.
const browserStepTimeout = 30 * time.Second

// needChromium skips the test when Chromium is missing, or fails it when
// CI is set (the repository's rule for a missing third-party client).
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath(chromiumBin); err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required in CI (apt-get install chromium)", chromiumBin)
	}
	t.Skipf("%s is not installed", chromiumBin)
}

// consoleBrowser is one headless Chromium for a test. Every tab it opens
// reports the URLs it requests, so that the test can check that no page
// reaches any host but the daemon.
type consoleBrowser struct {
	ctx context.Context // the browser's own context

	mu       sync.Mutex
	requests []string // every URL any tab requested
	dialogs  []string // every JavaScript dialog's message, accepted
}

// newBrowser starts Chromium with a fresh profile; it ends with the test.
func newBrowser(t *testing.T) *consoleBrowser {
	t.Helper()
	needChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumBin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start %s: %v", chromiumBin, err)
	}
	return &consoleBrowser{ctx: ctx}
}

// browserTab is a tab in a browser context of its own (its own cookies),
// standing for one person.
type browserTab struct {
	b    *consoleBrowser
	ctx  context.Context
	base string // the daemon's http://127.0.0.1:port
}

// newTab opens a tab in a new browser context, as a private window would.
// Confirmation dialogs are accepted, as a person who meant it would.
func (b *consoleBrowser) newTab(t *testing.T, base string) *browserTab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext(),
		chromedp.WithListener(b.record))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return &browserTab{b: b, ctx: ctx, base: base}
}

// record runs in a tab's event loop: it notes each request's URL.
func (b *consoleBrowser) record(ev any) {
	if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Request != nil {
		b.mu.Lock()
		b.requests = append(b.requests, e.Request.URL)
		b.mu.Unlock()
	}
}

// lastDialog is the message of the last dialog accepted, "" when none.
func (b *consoleBrowser) lastDialog() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.dialogs) == 0 {
		return ""
	}
	return b.dialogs[len(b.dialogs)-1]
}

// foreignRequests lists the requested URLs whose host is not host
// (data: and blob: URLs stay in the page and are allowed), and every URL
// requested.
func (b *consoleBrowser) foreignRequests(host string) (foreign, seen []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	seen = append(seen, b.requests...)
	for _, raw := range b.requests {
		u, err := url.Parse(raw)
		switch {
		case err == nil && (u.Scheme == "data" || u.Scheme == "blob"):
		case err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host == host:
		default:
			foreign = append(foreign, raw)
		}
	}
	return foreign, seen
}

// run runs steps on the tab within browserStepTimeout, failing the test on error.
func (p *browserTab) run(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, browserStepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// navigate runs steps that load a page (a link followed, a form sent)
// and returns the page's HTTP status.
func (p *browserTab) navigate(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, browserStepTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatalf("%s: %v (the tab shows %s)", what, err, p.glance())
	}
	return int(res.Status)
}

// glance is the tab's address and the start of its text, for a failure
// message; it waits a few seconds at most.
func (p *browserTab) glance() string {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 600)`))
	if err != nil {
		return "nothing readable: " + err.Error()
	}
	return s
}

// open loads path on the daemon and returns the HTTP status.
func (p *browserTab) open(t *testing.T, path string) int {
	t.Helper()
	return p.navigate(t, "open "+path, chromedp.Navigate(p.base+path))
}

// submit clicks a form's submit button and returns the next page's status.
func (p *browserTab) submit(t *testing.T, button string) int {
	t.Helper()
	return p.navigate(t, "submit "+button, chromedp.Click(chromedp.CSS(button)))
}

// evalIn evaluates a JavaScript expression in the page; a promise is
// awaited.
func evalIn[T any](t *testing.T, p *browserTab, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, browserStepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor waits until the JavaScript expression js is true in the page.
func (p *browserTab) waitFor(t *testing.T, what, js string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, browserStepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("waiting for %s (%s): %v\n%s", what, js, err, p.text(t))
	}
}

// text is what the user sees of the page's main part.
func (p *browserTab) text(t *testing.T) string {
	t.Helper()
	return evalIn[string](t, p, `document.querySelector("main").innerText`)
}

// path is the address bar's path and query.
func (p *browserTab) path(t *testing.T) string {
	t.Helper()
	return strings.TrimPrefix(evalIn[string](t, p, `location.href`), p.base)
}

// see fails unless the main part of the page shows every one of want.
func (p *browserTab) see(t *testing.T, want ...string) {
	t.Helper()
	body := p.text(t)
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Fatalf("%s does not show %q; it shows:\n%s", p.path(t), w, body)
		}
	}
}

// notSee fails if the main part of the page shows any of bad.
func (p *browserTab) notSee(t *testing.T, bad ...string) {
	t.Helper()
	body := p.text(t)
	for _, b := range bad {
		if strings.Contains(body, b) {
			t.Fatalf("%s shows %q:\n%s", p.path(t), b, body)
		}
	}
}

// typeIn types s into the field sel, key by key.
func (p *browserTab) typeIn(t *testing.T, sel, s string) {
	t.Helper()
	p.run(t, "type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), s))
}

// click clicks sel (a visible element).
func (p *browserTab) click(t *testing.T, sel string) {
	t.Helper()
	p.run(t, "click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// signIn signs in on the sign-in form as a person would and lands on the
// groups page.
func (p *browserTab) signIn(t *testing.T, email string) {
	t.Helper()
	p.open(t, "/signin")
	p.typeIn(t, `input[name=email]`, email)
	p.typeIn(t, `input[name=password]`, consolePassword)
	if code := p.submit(t, `form[action="/signin"] button[type=submit]`); code != 200 {
		t.Fatalf("sign-in as %s answered %d: %s", email, code, p.text(t))
	}
	if got := p.path(t); !strings.HasPrefix(got, "/groups") {
		t.Fatalf("after signing in as %s the browser is at %s, want /groups", email, got)
	}
}
