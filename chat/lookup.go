package chat

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"cchcbot"
)

// fold makes text comparable without diacritics, case or spaces: "Châu
// Lộc", "chau loc" and "CHAULOC" all fold to "chauloc". đ is mapped by
// hand: Unicode does not decompose it.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	var b strings.Builder
	for _, r := range strings.ToLower(out) {
		switch {
		case r == 'đ':
			b.WriteRune('d')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unitPrefixes are what unit names start with, which people leave out.
var unitPrefixes = []string{"ubndthitran", "ubndxa", "thitran", "xa", "phong", "trungtam", "ban"}

// FindUnits returns the units a person means: a code in any case, else every
// unit whose folded name (with or without its "UBND xã" prefix) equals or
// contains the folded query. Exact name matches win over partial ones.
func FindUnits(units []cchcbot.Unit, query string) []cchcbot.Unit {
	q := fold(query)
	if q == "" {
		return nil
	}
	var exact, partial []cchcbot.Unit
	for _, u := range units {
		if u.Retired {
			continue
		}
		if strings.EqualFold(u.Code, strings.TrimSpace(query)) {
			return []cchcbot.Unit{u}
		}
		name := fold(u.Name)
		short := name
		for _, p := range unitPrefixes {
			if rest, ok := strings.CutPrefix(name, p); ok && rest != "" {
				short = rest
				break
			}
		}
		switch {
		case name == q || short == q || fold(u.Code) == q:
			exact = append(exact, u)
		case strings.Contains(name, q):
			partial = append(partial, u)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return partial
}
