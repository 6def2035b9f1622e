package config

import (
	"fmt"
	"time"
)

// Web is the [web] table: the web console served at "/" on the HTTP
// listener (issue 11).
type Web struct {
	// SessionIdle ends a console session this long after its last
	// request. Default 2h.
	SessionIdle time.Duration `toml:"session_idle"`
	// SessionMax ends a console session this long after sign-in,
	// however busy. Default 168h (7 days).
	SessionMax time.Duration `toml:"session_max"`
}

func webDefaults() Web {
	return Web{SessionIdle: 2 * time.Hour, SessionMax: 7 * 24 * time.Hour}
}

func (w Web) problems() []error {
	var errs []error
	if w.SessionIdle < time.Minute {
		errs = append(errs, fmt.Errorf("web.session_idle: %s is shorter than a minute; write a duration such as \"2h\"", w.SessionIdle))
	}
	if w.SessionMax < w.SessionIdle {
		errs = append(errs, fmt.Errorf("web.session_max: %s is shorter than web.session_idle (%s)", w.SessionMax, w.SessionIdle))
	}
	return errs
}

func checkLanguage(l string) error {
	if l != "en" && l != "ko" {
		return fmt.Errorf("language: %q is not one of en, ko", l)
	}
	return nil
}
