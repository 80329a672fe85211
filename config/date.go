package config

import (
	"strings"

	"cchcbot"
)

// dateForms names the forms parseDate takes, for messages.
const dateForms = "dd/mm/yyyy hoặc yyyy-mm-dd, ví dụ 02/09/2024"

// parseDate parses a date of the file in either form staff write: dd/mm/yyyy,
// the form of every letter and of every date the bot prints, or
// yyyy-mm-dd, the form of the example file. The root package has a parser
// for each form but none that takes both.
func parseDate(s string) (cchcbot.Date, bool) {
	s = strings.TrimSpace(s)
	if d, err := cchcbot.ParseDate(s); err == nil {
		return d, true
	}
	if d, err := cchcbot.ParseDMY(s); err == nil {
		return d, true
	}
	return cchcbot.Date{}, false
}
