package groups

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the model (SPEC §1).
const (
	MaxNameChars        = 100
	MaxDescriptionChars = 300
	MaxProfileBytes     = 1 << 20
	MaxIDLength         = 64
	MaxNoteTitleChars   = 200
	MaxNoteBodyBytes    = 256 << 10
	MinPasswordLength   = 8
)

// reserved are the local-part suffixes of a list's companion addresses
// (AddressGrammar.Suffixes); no list address or group id may end in one.
func (s *Store) reserved() []string { return s.opts.Addresses.Suffixes() }

var idPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$`)

// normEmail checks an email address (a bare addr-spec) and lower-cases it.
func normEmail(field, s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || strings.ContainsAny(s, " \t\r\n<>\"") {
		return "", errorf(ErrInvalid, "%s: %q is not a valid email address", field, s)
	}
	local, domain, _ := strings.Cut(s, "@")
	if len(local) == 0 || len(local) > 64 || len(s) > 254 || !strings.Contains(domain, ".") && domain != "localhost" {
		return "", errorf(ErrInvalid, "%s: %q is not a valid email address", field, s)
	}
	return strings.ToLower(s), nil
}

func normEmails(field string, in []string) ([]string, error) {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range in {
		e, err := normEmail(field, s)
		if err != nil {
			return nil, err
		}
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out, nil
}

func domainOf(email string) string {
	_, d, _ := strings.Cut(email, "@")
	return d
}

// IsInternal reports whether email is in one of the internal domains.
func (s *Store) IsInternal(email string) bool {
	d := strings.ToLower(domainOf(email))
	for _, id := range s.opts.InternalDomains {
		if d == id {
			return true
		}
	}
	return false
}

// IsHosted reports whether domain is one of the mail domains groupd hosts.
func (s *Store) IsHosted(domain string) bool {
	d := strings.ToLower(domain)
	for _, md := range s.opts.MailDomains {
		if d == md {
			return true
		}
	}
	return false
}

func checkText(field, s string, min, max int) error {
	if !utf8.ValidString(s) {
		return errorf(ErrInvalid, "%s is not valid UTF-8", field)
	}
	n := utf8.RuneCountInString(s)
	if n < min || n > max {
		if min > 0 {
			return errorf(ErrInvalid, "%s must be %d to %d characters long, not %d", field, min, max, n)
		}
		return errorf(ErrInvalid, "%s must be at most %d characters long, not %d", field, max, n)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' || r == '\u2028' || r == '\u2029' {
			return errorf(ErrInvalid, "%s must not contain control characters", field)
		}
	}
	return CheckXMLText(field, s)
}

// XMLChar reports whether r may appear in an XML 1.0 document (XML 1.0
// §2.2 Char): not U+FFFE, U+FFFF, a surrogate, or a C0 control other than
// tab, LF and CR. Every name shows in some XML answer (WebDAV, CalDAV), so
// none may hold such a character (issue 16 item 4).
func XMLChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF, r > unicode.MaxRune:
		return false
	}
	return true
}

// CheckXMLText refuses text that XML 1.0 cannot carry: invalid UTF-8 (a
// lone surrogate encoded as UTF-8 is invalid too) or a character that is
// not an XML Char. Every setter of a name checks it (files, groups,
// notes, users, app passwords), through checkText or CheckNewFilePath.
func CheckXMLText(field, s string) error {
	if !utf8.ValidString(s) {
		return errorf(ErrInvalid, "%s is not valid UTF-8", field)
	}
	for _, r := range s {
		if !XMLChar(r) {
			return errorf(ErrInvalid, "%s must not contain the character U+%04X: XML, and so WebDAV and CalDAV, cannot carry it", field, r)
		}
	}
	return nil
}

// XMLSafe returns s with every character XML 1.0 cannot carry, and every
// invalid UTF-8 byte, replaced by U+FFFD: the writers of XML answers use
// it as a second guard behind CheckXMLText.
func XMLSafe(s string) string {
	if CheckXMLText("", s) == nil {
		return s
	}
	return strings.Map(func(r rune) rune {
		if !XMLChar(r) {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

func checkName(s string) error {
	if strings.TrimSpace(s) == "" {
		return errorf(ErrInvalid, "name must be 1 to %d characters long and not blank", MaxNameChars)
	}
	if strings.ContainsAny(s, "\n\t") {
		return errorf(ErrInvalid, "name must be one line")
	}
	return checkText("name", s, 1, MaxNameChars)
}

func checkID(id string, reserved []string) error {
	if len(id) > MaxIDLength || !idPattern.MatchString(id) {
		return errorf(ErrInvalid, "id %q must be 1 to %d lower-case letters, digits, '.', '-' or '_', starting and ending with a letter or digit", id, MaxIDLength)
	}
	for _, suf := range reserved {
		if strings.HasSuffix(id, suf) {
			return errorf(ErrInvalid, "id %q must not end in %q: that address belongs to a list's companion", id, suf)
		}
	}
	return nil
}

// checkListAddress validates a list address: a hosted domain, a local part
// that is a valid id.
func (s *Store) checkListAddress(addr string) (string, error) {
	a, err := normEmail("mailing_list.address", addr)
	if err != nil {
		return "", err
	}
	local, domain, _ := strings.Cut(a, "@")
	if !s.IsHosted(domain) {
		return "", errorf(ErrInvalid, "mailing_list.address %q must be in one of the hosted mail domains (%s)", a, strings.Join(s.opts.MailDomains, ", "))
	}
	if err := checkID(local, s.reserved()); err != nil {
		return "", errorf(ErrInvalid, "mailing_list.address %q: its local part must be lower-case letters, digits, '.', '-' or '_' and not end in -owner, -join, -bounces or -request", a)
	}
	return a, nil
}

// deriveID makes an id from a name: ASCII letters and digits kept,
// letters of other scripts transliterated where that is standard and
// cheap (translit in romanize.go: Hangul by the Revised Romanization,
// accented Latin, Greek, Cyrillic), the rest folded to '-'. Empty for
// names with nothing to spell (CJK ideographs, say): chooseID then makes
// a short unique id.
func deriveID(name string, reserved []string) string {
	var b strings.Builder
	dash := false
	rs := []rune(name)
	for i, r := range rs {
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		t := translit(unicode.ToLower(r), next)
		if b.Len()+len(t) > 40 {
			break // at most 40 letters, and no syllable cut in two
		}
		switch {
		case t != "":
			b.WriteString(t)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	id := strings.Trim(b.String(), "-")
	for _, suf := range reserved {
		id = strings.TrimSuffix(id, suf)
	}
	return id
}

// CheckNewFilePath checks a path that is about to name a file or
// directory (PUT, MKCOL, the destination of MOVE and COPY, a lock-null
// resource): CheckFilePath, and no character XML 1.0 cannot carry. Paths
// that only look something up are checked by CheckFilePath alone, so that
// a name stored before this check can still be read, moved and deleted.
func CheckNewFilePath(p string) error {
	if err := CheckFilePath(p); err != nil {
		return err
	}
	return CheckXMLText("a file name", p)
}
