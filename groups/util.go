package groups

import (
	"strings"
	"time"
)

func unixTime(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// clampLimit bounds a page size: default 50, at most 500.
func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 500:
		return 500
	}
	return n
}

func boolp(b bool) *bool { return &b }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func joinAnd(list []string) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}

func normAddr(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
