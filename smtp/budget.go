package smtp

import (
	"log/slog"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/internal/budget"
)

// A message is read into a spool (spool.go), which costs disk. What
// holds it whole in memory (a list copy, an owner forward, a relayed
// submission) first takes its cost from Options.Budget, the daemon's
// one memory budget; when the budget is spent the message is refused
// with 452 4.3.1, a temporary error (RFC 5321 §4.2.2 "insufficient
// system storage", RFC 3463 §3.4 "mail system full"), and the client
// sends it again later (issue 16 finding 6).

// holdCost is what holding a message of n bytes whole costs: the copy
// itself, and SQLite's two while the store writes it (the bound blob is
// copied, then the record is made of it), plus a little for the rest.
func holdCost(n int64) int64 { return 3*n + 64<<10 }

func errBusy() error {
	return smtpErr(452, gosmtp.EnhancedCode{4, 3, 1},
		"the server is busy with other large messages; please try again later")
}

// hold is what one DATA took from the budget; done gives it all back.
type hold struct {
	b        *budget.Budget
	log      *slog.Logger
	releases []func()
}

func newHold(b *budget.Budget, log *slog.Logger) *hold { return &hold{b: b, log: log} }

// take takes the cost of holding n bytes, or answers errBusy.
func (h *hold) take(n int64) error {
	r, ok := h.b.TryTake(holdCost(n))
	if !ok {
		h.log.Warn("message refused: the memory budget is spent", "bytes", n,
			"budget", h.b.Max(), "used", h.b.Used())
		return errBusy()
	}
	h.releases = append(h.releases, r)
	return nil
}

func (h *hold) done() {
	for _, r := range h.releases {
		r()
	}
	h.releases = nil
}

// mailFits answers MAIL FROM whose SIZE (RFC 1870 §6.1) cannot be held
// now with 452 4.3.1 before the client sends the message.
func mailFits(b *budget.Budget, opts *gosmtp.MailOptions) error {
	if opts != nil && opts.Size > 0 && !b.Fits(holdCost(opts.Size)) {
		return errBusy()
	}
	return nil
}
