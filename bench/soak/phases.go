package main

import (
	"fmt"
	"slices"
	"time"
)

// protocolNames are the normal workload's, in the order printed.
var protocolNames = []string{"smtp", "caldav", "webdav", "imap", "api"}

// p99Factor is how much slower the normal workload's p99 may be under
// attack than in the quiet half (issue 16: within 3×). floorP99 keeps a
// quiet p99 of a millisecond or two from making the bound a few
// milliseconds of scheduling noise on a 2-core machine.
const (
	p99Factor = 3
	floorP99  = 20 * time.Millisecond
)

// phases keeps the normal workload's figures per half of the run: all of
// it is "quiet" without -abuse; with it, operations started from
// abuseFrom on count as under attack.
type phases struct {
	abuseFrom time.Time
	quiet     map[string]*recorder
	abused    map[string]*recorder
}

func newPhases(o options, start time.Time) *phases {
	p := &phases{abuseFrom: start.Add(o.duration * 10), quiet: map[string]*recorder{}, abused: map[string]*recorder{}}
	if o.abuse {
		p.abuseFrom = start.Add(o.duration / 2)
	}
	for _, n := range protocolNames {
		p.quiet[n], p.abused[n] = &recorder{}, &recorder{}
	}
	return p
}

// now is the recorder of protocol name for an operation starting now.
func (p *phases) now(name string) *recorder {
	if time.Now().Before(p.abuseFrom) {
		return p.quiet[name]
	}
	return p.abused[name]
}

// compare prints the half under attack and checks it against the quiet
// half: no error, and each protocol's p99 within p99Factor.
func (p *phases) compare() []error {
	errs := table("second half, under attack", p.abused)
	for _, n := range protocolNames {
		q, a := p99(p.quiet[n]), p99(p.abused[n])
		bound := p99Factor * max(q, floorP99)
		verdict := "ok"
		if a > bound {
			verdict = "TOO SLOW"
			errs = append(errs, fmt.Errorf("%s: p99 %s under attack, more than %d× the quiet %s", n, ms(a), p99Factor, ms(q)))
		}
		fmt.Printf("%-8s p99 quiet %9s, under attack %9s (bound %s): %s\n", n, ms(q), ms(a), ms(bound), verdict)
	}
	p.slowWhen()
	return errs
}

// slowWhen prints when, in 10 s slices of the half under attack, the
// operations slower than 3× their quiet p99 started: a burst at the
// start of the attacks and a steady cost read differently.
func (p *phases) slowWhen() {
	fmt.Print("operations over 3× the quiet p99, per 10 s under attack:")
	var slices [12]int
	for _, n := range protocolNames {
		bound := p99Factor * max(p99(p.quiet[n]), floorP99)
		r := p.abused[n]
		r.mu.Lock()
		for i, d := range r.lat {
			if k := int(r.began[i].Sub(p.abuseFrom) / (10 * time.Second)); d > bound && k >= 0 && k < len(slices) {
				slices[k]++
			}
		}
		r.mu.Unlock()
	}
	for _, c := range slices {
		fmt.Printf(" %d", c)
	}
	fmt.Println()
}

func p99(r *recorder) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	lat := slices.Clone(r.lat)
	slices.Sort(lat)
	return quantile(lat, 0.99)
}
