package daemon

import (
	"context"
	"log/slog"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"groupd/groups"
)

// watchQueue adds the outbound queue's gauges (issue 15: a newcomer's
// first post that sits in the queue shows there): messages and
// recipients waiting, and the age of the oldest. Each scrape asks the
// store once.
func (m *metrics) watchQueue(st *groups.Store) {
	read := func() groups.QueueStats {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		q, _ := st.OutboundStats(ctx)
		return q
	}
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "groupd_queue_messages",
			Help: "Messages in the outbound queue with a recipient still to deliver."},
			func() float64 { return float64(read().Messages) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "groupd_queue_recipients",
			Help: "Recipients in the outbound queue still to deliver."},
			func() float64 { return float64(read().Recipients) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "groupd_queue_oldest_age_seconds",
			Help: "Age of the oldest message in the outbound queue with a recipient still to deliver (0 when none)."},
			func() float64 {
				if q := read(); !q.Oldest.IsZero() {
					return time.Since(q.Oldest).Seconds()
				}
				return 0
			}),
	)
}

// checkRelay says at start where outbound mail goes and whether the relay
// answers, so that a first post sitting in the queue has an explanation
// in the log. It only dials; the queue retries on its own.
func checkRelay(ctx context.Context, addr string, log *slog.Logger) {
	d := net.Dialer{Timeout: 3 * time.Second}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		log.Warn("the relay does not answer: outbound mail waits in the queue until it does (see groupd_queue_messages in /metrics)",
			"relay", addr, "err", err)
		return
	}
	c.Close()
	log.Info("relay answers", "relay", addr)
}
