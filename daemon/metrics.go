package daemon

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics is one daemon's Prometheus registry (never the global one:
// daemons in parallel tests must not share series).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics() *metrics {
	labels := []string{"route", "method", "code"}
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "groupd_http_requests_total",
			Help: "HTTP requests served, by route pattern, method and status code.",
		}, labels),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "groupd_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by route pattern, method and status code.",
			Buckets: prometheus.DefBuckets,
		}, labels),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.latency,
	)
	return m
}

// instrument counts and times every request. The route is the pattern of
// the ServeMux route that served it: ServeMux sets r.Pattern on the
// request it is given, nested muxes too (so the API's "GET
// /api/v1/groups/{id}" shows, not one series per id); "other" when no
// route matched.
func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "other"
		}
		code := sw.code
		if code == 0 {
			code = http.StatusOK
		}
		l := prometheus.Labels{"route": route, "method": method(r.Method), "code": strconv.Itoa(code)}
		m.requests.With(l).Inc()
		m.latency.With(l).Observe(time.Since(start).Seconds())
	})
}

// method bounds the method label to the methods groupd serves.
func method(m string) string {
	switch m {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
		"PROPFIND", "PROPPATCH", "MKCOL", "MKCALENDAR", "REPORT",
		"COPY", "MOVE", "LOCK", "UNLOCK":
		return m
	}
	return "other"
}

// statusWriter records the status code. Unwrap lets
// http.ResponseController reach Flush, Hijack and deadlines; ReadFrom
// keeps io.Copy's sendfile path.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 && code >= 200 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return io.Copy(w.ResponseWriter, r)
}

func (w *statusWriter) Flush() {
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
