package config_test

import (
	"bytes"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/config"
)

// tokenLike matches a bot token in any message.
var tokenLike = regexp.MustCompile(`\d{5,}:[A-Za-z0-9_-]{30,}`)

// FuzzParse feeds Parse arbitrary bytes: it must never panic, a refusal
// must be an *Error naming the file, never quoting a token and putting a
// syntax error on a line of the file, and an
// accepted file must yield a calendar whose periods can be computed.
// Seeds: below and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile(example); err == nil {
		f.Add(data)
	}
	f.Add([]byte(base))
	f.Add([]byte(base + "reminders:\n  quiet_hours: { from: \"21:00\", to: \"07:00\" }\n"))
	f.Add([]byte("units: [1, 2]\nreports: {a: b}\n"))
	f.Add([]byte("calendar:\n  holidays:\n    - { from: 2024-01-01, to: 2030-01-01 }\n"))
	f.Add([]byte("telegram:\n  token: 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw\n"))
	f.Add([]byte("units:\n  - &u { code: a, name: b, group: xa-thi-tran }\n  - { <<: [*u, *u], code: c }\n"))
	f.Add([]byte("\xff\xfe"))
	f.Add([]byte(zaloOnly + "  webhook_listen: \"[::1]:8081\"\n  proactive_monthly_quota: 0\n"))
	f.Add([]byte(noChannel + "zalo:\n  app_secret: x\n<<: { telegram: {} }\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := config.Parse(data, "fuzz.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			if tokenLike.MatchString(err.Error()) {
				t.Fatalf("error quotes a token: %v", err)
			}
			// A syntax error names a line of the file, as an editor counts.
			var e *config.Error
			if errors.As(err, &e) {
				lines := bytes.Count(data, []byte("\n")) + 1
				for _, p := range e.Problems {
					if strings.HasPrefix(p.Message, "lỗi cú pháp YAML") && (p.Line < 1 || p.Line > lines) {
						t.Fatalf("syntax error at line %d of a %d-line file: %v", p.Line, lines, err)
					}
				}
			}
			return
		}
		cal := c.Calendar()
		if cal == nil || cal.Location == nil || len(cal.Kinds) == 0 || len(c.UnitList()) == 0 {
			t.Fatalf("accepted without a calendar, kinds or units: %+v", cal)
		}
		for _, p := range cal.Periods(cchcbot.D(2024, 1, 1), cchcbot.D(2024, 12, 31)) {
			cal.Plan(p)
		}
	})
}
