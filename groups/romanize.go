package groups

// Transliteration of group names into ids (deriveID in validate.go): a
// group named "개발팀" gets the id gaebaltim, "Café" cafe, "Москва"
// moskva. Scripts without a standard cheap transliteration (CJK
// ideographs, kana, …) give nothing here; chooseID then falls back to a
// short unique id.

// Hangul syllables U+AC00–U+D7A3 are (initial × 21 + medial) × 28 + final.
const (
	hangulFirst  = 0xAC00
	hangulLast   = 0xD7A3
	hangulMedial = 21
	hangulFinal  = 28
	initialIeung = 11 // ㅇ: a syllable that starts with a vowel sound
)

// translit spells the lower-case rune r in ASCII letters and digits, or
// "" when it has no spelling (punctuation, spaces, other scripts). next
// is the rune after r (0 at the end), which Hangul needs.
func translit(r, next rune) string {
	switch {
	case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
		return string(r)
	case hangulFirst <= r && r <= hangulLast:
		return romanizeSyllable(r, next)
	case 0xDF <= r && r <= 0x17F:
		return latinBase(r)
	case r == 0x219: // Romanian ș
		return "s"
	case r == 0x21B: // Romanian ț
		return "t"
	case 0x390 <= r && r <= 0x3CE:
		return greek(r)
	case 0x430 <= r && r <= 0x45F || r == 0x491:
		return cyrillic(r)
	}
	return ""
}

// romanizeSyllable spells one Hangul syllable by the Revised
// Romanization of Korean, syllable by syllable: 개발팀 → gae·bal·tim,
// 한국 → han·guk. Assimilation across syllables (신라 → silla, 서울로 →
// seoullo) is not applied. The one exception is linking: a final
// consonant before a syllable that starts with a vowel (initial ㅇ) is
// read as the next syllable's initial, so 한국어 → hangugeo rather than
// hangukeo, 음악 → eumak, 좋아 → joa (ㅎ falls silent), 읽어 → ilgeo
// (of a double final, the second consonant moves).
func romanizeSyllable(r, next rune) string {
	initials := [...]string{"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"}
	medials := [...]string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"}
	// Finals (index 0: none) before a consonant or at the end, and
	// linked before a vowel.
	finals := [...]string{"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"}
	linked := [...]string{"", "g", "kk", "gs", "n", "nj", "n", "d", "r", "lg", "lm", "lb", "ls", "lt", "lp", "r", "m", "b", "bs", "s", "ss", "ng", "j", "ch", "k", "t", "p", ""}
	n := int(r - hangulFirst)
	ini, med, fin := n/(hangulMedial*hangulFinal), n/hangulFinal%hangulMedial, n%hangulFinal
	tail := finals[fin]
	if hangulFirst <= next && next <= hangulLast && int(next-hangulFirst)/(hangulMedial*hangulFinal) == initialIeung {
		tail = linked[fin]
	}
	return initials[ini] + medials[med] + tail
}

// latinBase strips the diacritics of lower- and upper-case letters of
// Latin-1 (U+00DF–U+00FF) and Latin Extended-A (U+0100–U+017F): é → e,
// Ł → l; a few letters become two (ß → ss, æ → ae, œ → oe).
func latinBase(r rune) string {
	// One base letter per code point; '*' marks the two-letter ones
	// below, '-' a symbol (÷).
	const latin1 = "aaaaaa*ceeeeiiiidnooooo-ouuuuy*y" // U+00E0–U+00FF
	const extA = "aaaaaaccccccccdd" + "ddeeeeeeeeeegggg" + "gggghhhhiiiiiiii" + "ii**jjkkklllllll" +
		"lllnnnnnnn**oooo" + "oo**rrrrrrssssss" + "ssttttttuuuuuuuu" + "uuuuwwyyyzzzzzzs" // U+0100–U+017F
	var c byte
	switch {
	case r == 0xDF:
		return "ss"
	case r < 0xE0:
		return "" // upper case and symbols of Latin-1: lowered before
	case r < 0x100:
		c = latin1[r-0xE0]
	default:
		c = extA[r-0x100]
	}
	switch c {
	case '-':
		return ""
	case '*':
		return map[rune]string{0xE6: "ae", 0xFE: "th", 0x132: "ij", 0x133: "ij",
			0x14A: "ng", 0x14B: "ng", 0x152: "oe", 0x153: "oe"}[r]
	}
	return string(rune(c))
}

// greek spells lower-case Greek after ELOT 743 (modern pronunciation),
// letter by letter: αθήνα → athina.
func greek(r rune) string {
	// α–ω, U+03B1–U+03C9 (ς included).
	letters := [...]string{"a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p",
		"r", "s", "s", "t", "y", "f", "ch", "ps", "o"}
	if 0x3B1 <= r && r <= 0x3C9 {
		return letters[r-0x3B1]
	}
	// Letters with tonos or dialytika.
	return map[rune]string{0x390: "i", 0x3AC: "a", 0x3AD: "e", 0x3AE: "i", 0x3AF: "i", 0x3B0: "y",
		0x3CA: "i", 0x3CB: "y", 0x3CC: "o", 0x3CD: "y", 0x3CE: "o"}[r]
}

// cyrillic spells lower-case Cyrillic in a simple Russian-based
// scheme (Москва → moskva, Щука → shchuka), with the extra letters of
// Ukrainian, Belarusian and Serbian.
func cyrillic(r rune) string {
	// а–я, U+0430–U+044F, then ѐ–џ, U+0450–U+045F.
	letters := [...]string{"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
		"r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
		"e", "e", "dj", "g", "ye", "dz", "i", "yi", "j", "lj", "nj", "c", "k", "i", "u", "dz"}
	if r == 0x491 { // ґ
		return "g"
	}
	return letters[r-0x430]
}
