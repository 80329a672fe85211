package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/web/webtest"
)

// The tests of this package run the dashboard over real HTTP on a seeded
// real store (web/webtest); the browser tests drive the same fixture.

// expectStatus fails the test unless res answered want.
func expectStatus(t *testing.T, what string, res webtest.Response, want int) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("%s: status %d, want %d; body:\n%s", what, res.Status, want, clip(res.Body))
	}
}

// expectBody fails the test unless body holds every one of parts.
func expectBody(t *testing.T, what, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("%s: the page lacks %q:\n%s", what, p, clip(body))
		}
	}
}

// expectNoData fails the test if body shows any of the office's data: a
// unit's name, a receipt number, a file name.
func expectNoData(t *testing.T, what, body string) {
	t.Helper()
	for _, u := range webtest.Units {
		if strings.Contains(body, u.Name) {
			t.Errorf("%s: the page shows %q", what, u.Name)
		}
	}
	for _, s := range []string{"CCHC-2024-", "Châu Lộc", ".pdf", `name="csrf"`} {
		if strings.Contains(body, s) {
			t.Errorf("%s: the page shows %q", what, s)
		}
	}
}

// clip shortens a body for a failure message.
func clip(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

// cellStates returns the data-state of each cell of the unit's row.
func cellStates(t *testing.T, body, unit string) []string {
	t.Helper()
	i := strings.Index(body, `<tr data-unit="`+unit+`">`)
	if i < 0 {
		t.Fatalf("no row for %s", unit)
	}
	row := body[i:]
	row = row[:strings.Index(row, "</tr>")]
	var out []string
	for _, m := range dataState.FindAllStringSubmatch(row, -1) {
		out = append(out, m[1])
	}
	return out
}

var dataState = regexp.MustCompile(`data-state="([a-z_]+)"`)

// columnOf returns the place of a period among the overview's columns.
func columnOf(t *testing.T, body, periodID string) int {
	t.Helper()
	ids := regexp.MustCompile(`data-period="([^"]+)"`).FindAllStringSubmatch(body, -1)
	for i, m := range ids {
		if m[1] == periodID {
			return i
		}
	}
	t.Fatalf("no column for %s", periodID)
	return -1
}

// totals returns the cells of the overview's totals row for state.
func totals(t *testing.T, body, state string) []string {
	t.Helper()
	i := strings.Index(body, `<tr data-total="`+state+`">`)
	if i < 0 {
		t.Fatalf("no totals row for %s", state)
	}
	row := body[i:]
	row = row[:strings.Index(row, "</tr>")]
	var out []string
	for _, m := range regexp.MustCompile(`<td>(\d+)</td>`).FindAllStringSubmatch(row, -1) {
		out = append(out, m[1])
	}
	return out
}

// auditEntries returns the audit log's entries whose action starts with
// prefix.
func auditEntries(t *testing.T, f *webtest.Fixture, prefix string) []cchcbot.AuditEntry {
	t.Helper()
	all, err := f.DB.AuditEntries(t.Context(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []cchcbot.AuditEntry
	for _, e := range all {
		if strings.HasPrefix(e.Action, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// sessionCookie returns the session cookie a response set, or nil.
func sessionCookie(res webtest.Response) *http.Cookie {
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "cchcbot" || c.Name == "__Host-cchcbot" {
			return c
		}
	}
	return nil
}

// hashOf is how the store keeps tokens: sha256, hex.
func hashOf(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
