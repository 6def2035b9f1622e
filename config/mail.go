package config

import (
	"fmt"
	"time"
	// mail.timezone is checked against the time zone database built in,
	// so that a host without one (a minimal container) takes any IANA
	// name too.
	_ "time/tzdata"
)

// Delivery holds the [mail] keys that shape a list's posts and the
// outbound queue (issue 3); the defaults are Mailman's habits.
type Delivery struct {
	// FromRewrite is when a post's From names the list instead of the
	// author, for DMARC: "never" (the default: header and body pass byte
	// for byte, so the author's DKIM signature still verifies),
	// "external" (authors outside internal_domains) or "always". A
	// rewritten From reads "Alice via Team" <team@…>; the author goes to
	// Reply-To and X-Original-Sender.
	FromRewrite string `toml:"from_rewrite"`
	// SubjectPrefix puts "[<group name>] " before the Subject of posts
	// (not when From is left as it is). Default false.
	SubjectPrefix bool `toml:"subject_prefix"`
	// ListRate is the most posts of one list that start delivery in an
	// hour; the queue holds the rest. Default 0: no limit.
	ListRate int `toml:"list_rate"`
	// BounceLimit is how many hard bounces disable an external member
	// (policy refusals, 5.7.x, do not count). Default 5.
	BounceLimit int `toml:"bounce_limit"`
	// RelayConcurrency is how many transactions to the relay run at
	// once. Default 8.
	RelayConcurrency int `toml:"relay_concurrency"`
	// Retry is the back-off after each temporary failure, as duration
	// strings; the last repeats. Default ["1m", "5m", "15m", "1h", "4h"].
	Retry []time.Duration `toml:"retry"`
	// GiveUp is how long after queueing a temporary failure becomes
	// permanent (the masters are told). Default "120h" (5 days).
	GiveUp time.Duration `toml:"give_up"`
	// HoldDays is how many days a post held by a list's moderation waits
	// for a master's decision before it expires (issue 13). Default 14.
	HoldDays int `toml:"hold_days"`
	// DigestHour is the hour of the day (0-23, in Timezone) at which the
	// digests of digest-mode members go out (issue 13). Default 7.
	DigestHour int `toml:"digest_hour"`
	// Timezone is the IANA name of the time zone of DigestHour. Default
	// "UTC".
	Timezone string `toml:"timezone"`
	// DigestMaxBytes: a member's digest goes out before DigestHour once
	// its posts reach this size, and holds no more than about this much.
	// Default 1 MiB.
	DigestMaxBytes int64 `toml:"digest_max_bytes"`
}

// Location is the time zone of Timezone (UTC if it does not load: the
// configuration was validated).
func (d Delivery) Location() *time.Location {
	loc, err := time.LoadLocation(d.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

func deliveryDefaults() Delivery {
	return Delivery{FromRewrite: "never", BounceLimit: 5, RelayConcurrency: 8,
		Retry:  []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 4 * time.Hour},
		GiveUp: 5 * 24 * time.Hour, HoldDays: 14,
		DigestHour: 7, Timezone: "UTC", DigestMaxBytes: 1 << 20}
}

func (d Delivery) problems() []error {
	var errs []error
	switch d.FromRewrite {
	case "never", "external", "always":
	default:
		errs = append(errs, fmt.Errorf("mail.from_rewrite: %q is not one of never, external, always", d.FromRewrite))
	}
	if d.ListRate < 0 {
		errs = append(errs, fmt.Errorf("mail.list_rate: %d is not a number of posts per hour (0 = no limit)", d.ListRate))
	}
	if d.BounceLimit <= 0 {
		errs = append(errs, fmt.Errorf("mail.bounce_limit: %d is not a positive number of bounces", d.BounceLimit))
	}
	if d.RelayConcurrency <= 0 {
		errs = append(errs, fmt.Errorf("mail.relay_concurrency: %d is not a positive number of transactions", d.RelayConcurrency))
	}
	if len(d.Retry) == 0 {
		errs = append(errs, fmt.Errorf(`mail.retry: must list at least one duration, such as ["1m", "1h"]`))
	}
	for i, r := range d.Retry {
		if r < time.Second {
			errs = append(errs, fmt.Errorf(`mail.retry[%d]: %s is not a duration of at least 1s written as a string such as "5m"`, i, r))
		}
	}
	if d.HoldDays <= 0 {
		errs = append(errs, fmt.Errorf("mail.hold_days: %d is not a positive number of days", d.HoldDays))
	}
	if d.DigestHour < 0 || d.DigestHour > 23 {
		errs = append(errs, fmt.Errorf("mail.digest_hour: %d is not an hour of the day (0 to 23)", d.DigestHour))
	}
	if _, err := time.LoadLocation(d.Timezone); err != nil || d.Timezone == "" || d.Timezone == "Local" {
		errs = append(errs, fmt.Errorf(`mail.timezone: %q is not an IANA time zone name such as "Asia/Seoul" or "UTC"`, d.Timezone))
	}
	if d.DigestMaxBytes < 1024 {
		errs = append(errs, fmt.Errorf("mail.digest_max_bytes: %d is not a number of bytes of at least 1024", d.DigestMaxBytes))
	}
	if d.GiveUp < time.Minute {
		errs = append(errs, fmt.Errorf(`mail.give_up: %s is not a duration of at least 1m written as a string such as "120h"`, d.GiveUp))
	}
	return errs
}
