package notice

import (
	"fmt"
	"strings"
	"testing"
)

// TestEveryKeyInEveryLanguage: each notice text is written in English
// and Korean, and both take the same arguments: formatted with the
// number of arguments the English text uses, neither language shows a
// missing or extra argument (%!).
func TestEveryKeyInEveryLanguage(t *testing.T) {
	m, err := Entries()
	if err != nil {
		t.Fatal(err)
	}
	if len(m) == 0 {
		t.Fatal("the catalog is empty")
	}
	for key, texts := range m {
		for _, l := range Languages() {
			if strings.TrimSpace(texts[l]) == "" {
				t.Errorf("%s has no %s text", key, l)
			}
		}
		for extra := range texts {
			if !contains(Languages(), extra) {
				t.Errorf("%s has a text in %q, which notices are not written in", key, extra)
			}
		}
		n := argCount(texts["en"])
		if n < 0 {
			t.Errorf("%s: the English text takes no number of string arguments cleanly: %q", key, texts["en"])
			continue
		}
		for _, l := range Languages() {
			if s := format(texts[l], n); strings.Contains(s, "%!") {
				t.Errorf("%s in %s does not take the %d arguments of the English text: %q", key, l, n, s)
			}
		}
	}
}

// TestLoad: "" is English, an unknown language an error, and a missing
// key reads as the key.
func TestLoad(t *testing.T) {
	c, err := Load("")
	if err != nil || c.Lang() != "en" || c.T("value.none") != "(none)" {
		t.Fatalf("Load(\"\"): %v %v", c, err)
	}
	if _, err := Load("fr"); err == nil {
		t.Fatal("Load(fr) succeeded")
	}
	ko, err := Load("ko")
	if err != nil || ko.T("value.none") != "(없음)" || ko.Value("") != "(없음)" || ko.List(nil) != "(없음)" {
		t.Fatalf("Korean: %v", err)
	}
	if ko.T("no.such.key") != "no.such.key" {
		t.Fatal("a missing key does not read as itself")
	}
}

func TestPerson(t *testing.T) {
	for _, c := range [][3]string{
		{"Alice", "alice@example.test", "Alice <alice@example.test>"},
		{"", "alice@example.test", "alice@example.test"},
		{"ALICE@example.test", "alice@example.test", "alice@example.test"},
		{" 김철수 ", "kim@example.test", "김철수 <kim@example.test>"},
	} {
		if got := Person(c[0], c[1]); got != c[2] {
			t.Errorf("Person(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

// argCount is how many string arguments s takes: the smallest n for
// which formatting shows neither a missing nor an extra one; -1 if none.
func argCount(s string) int {
	for n := 0; n <= 9; n++ {
		if !strings.Contains(format(s, n), "%!") {
			return n
		}
	}
	return -1
}

// format fills s with n arguments; %d verbs get numbers.
func format(s string, n int) string {
	args := make([]any, n)
	for i := range args {
		args[i] = fmt.Sprint("arg", i)
		if strings.Contains(s, fmt.Sprintf("%%[%d]d", i+1)) {
			args[i] = i
		}
	}
	return fmt.Sprintf(s, args...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
