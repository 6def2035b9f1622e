package daemon

import (
	"strings"
	"testing"
)

func TestHealthz(t *testing.T) {
	t.Parallel()
	d, _ := startDaemon(t, testConfig(t, t.TempDir()))
	code, body := get(t, d, "/healthz", "")
	if code != 200 || body != "ok\n" {
		t.Fatalf("GET /healthz = %d %q, want 200 \"ok\\n\"", code, body)
	}
}

func TestHealthzDatabaseGone(t *testing.T) {
	t.Parallel()
	d, _ := startDaemon(t, testConfig(t, t.TempDir()))
	d.store.Close() // the database stops answering
	if code, _ := get(t, d, "/healthz", ""); code != 503 {
		t.Fatalf("GET /healthz with the store closed = %d, want 503", code)
	}
}

func TestMetricsPerRoute(t *testing.T) {
	t.Parallel()
	d, _ := startDaemon(t, testConfig(t, t.TempDir()))
	if code, _ := get(t, d, "/api/v1/groups/no-such-group", d.token); code != 404 {
		t.Fatalf("GET missing group = %d, want 404", code)
	}
	if code, _ := get(t, d, "/api/v1/users", d.token); code != 200 {
		t.Fatalf("GET /api/v1/users as admin = %d, want 200", code)
	}
	get(t, d, "/healthz", "")
	get(t, d, "/nowhere", "")
	code, text := get(t, d, "/metrics", "")
	if code != 200 {
		t.Fatalf("GET /metrics = %d", code)
	}
	for _, want := range []string{
		`groupd_http_requests_total{code="404",method="GET",route="GET /api/v1/groups/{id}"} 1`,
		`groupd_http_requests_total{code="200",method="GET",route="GET /api/v1/users"} 1`,
		`groupd_http_requests_total{code="200",method="GET",route="GET /healthz"} 1`,
		`groupd_http_requests_total{code="404",method="GET",route="other"} 1`,
		`groupd_http_request_duration_seconds_count{code="404",method="GET",route="GET /api/v1/groups/{id}"} 1`,
		`go_goroutines `,
		`process_open_fds `,
		// Issue 15: what waits in the outbound queue (nothing yet).
		`groupd_queue_messages 0`,
		`groupd_queue_recipients 0`,
		`groupd_queue_oldest_age_seconds 0`,
	} {
		if metricLine(text, want) == "" {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(text, "no-such-group") {
		t.Error("/metrics has a series per group id")
	}
}
