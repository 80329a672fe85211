package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"cchcbot"
)

// testBrowserDownloads clicks the download links as staff would: a report
// file keeps its Vietnamese name and its bytes (sha256 as stored), the
// year's workbook and the period's archive are what they claim to be.
func testBrowserDownloads(t *testing.T, b *browserRun) {
	e := b.env(t)
	tab := e.login(t, b)

	tab.Navigate(fmt.Sprintf("%s/ho-so/%d", e.URL, e.chauLoc.ID))
	if got := tab.Text("#files a"); got != browserFileName {
		t.Errorf("the file is listed as %q, want %q", got, browserFileName)
	}
	d := tab.Download("#files a")
	if d.Name != browserFileName {
		t.Errorf("the browser saved the file as %q, want %q", d.Name, browserFileName)
	}
	sum := sha256.Sum256(d.Body)
	if got := hex.EncodeToString(sum[:]); got != e.chauLoc.Files[0].SHA256 || got != e.fileSHA {
		t.Errorf("downloaded sha256 %s, stored %s, seeded %s", got, e.chauLoc.Files[0].SHA256, e.fileSHA)
	}
	if !e.audited(t, "web.download.file", e.chauLoc.ReceiptNo()) {
		t.Error("no audit entry web.download.file for the report")
	}

	tab.Navigate(e.URL + "/nam/2024")
	d = tab.Download("#download-workbook")
	if !strings.HasSuffix(d.Name, ".xlsx") || !strings.Contains(d.Name, "2024") {
		t.Errorf("the workbook was saved as %q", d.Name)
	}
	if names := zipNames(t, d.Body); !names["xl/workbook.xml"] {
		t.Errorf("the workbook is no workbook: %v", names)
	}

	tab.Navigate(e.URL + "/ky/" + browserSept)
	d = tab.Download("#download-archive")
	if !strings.HasSuffix(d.Name, ".zip") || !strings.Contains(d.Name, "09/2024") && !strings.Contains(d.Name, "09_2024") && !strings.Contains(d.Name, "2024-09") {
		t.Errorf("the archive was saved as %q", d.Name)
	}
	found := false
	zr, err := zip.NewReader(bytes.NewReader(d.Body), int64(len(d.Body)))
	if err != nil {
		t.Fatalf("the archive is no zip: %v", err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if bytes.Equal(body, e.fileBody) {
			found = true
			if !strings.Contains(f.Name, "Châu Lộc") {
				t.Errorf("Châu Lộc's file is in the archive as %q", f.Name)
			}
		}
	}
	if !found {
		t.Error("the archive does not hold Châu Lộc's file")
	}
}

func zipNames(t *testing.T, b []byte) map[string]bool {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string]bool{}
	for _, f := range zr.File {
		out[f.Name] = true
	}
	return out
}

// testBrowserStrangers opens every kind of page and download as a person
// who is no admin: a unit's member holding a session (as if one had been
// forged), a stranger with no cookie and one with a made-up cookie. Each
// gets a refusal and nothing of the office's data.
func testBrowserStrangers(t *testing.T, b *browserRun) {
	e := b.env(t)
	paths := []string{
		"/", "/nam/2024", "/ky/" + browserSept, "/don-vi/xa-chau-loc",
		fmt.Sprintf("/ho-so/%d", e.chauLoc.ID),
		fmt.Sprintf("/tep/%d/0", e.chauLoc.ID),
		"/tai/nam/2024", "/tai/ky/" + browserSept,
	}
	member := e.member("xa-chau-loc")
	t.Run("As", func(t *testing.T) {
		testBrowserStrangersAs(t, b, e, paths, member)
	})
	// A member's session is ended on the server at its first use, not
	// only dropped from the browser: put back, the cookie opens nothing.
	tab := b.NewTab(t)
	sid := e.forgeSession(t, member)
	tab.SetCookie(e.URL, "cchcbot", sid)
	tab.Navigate(e.URL + "/")
	sum := sha256.Sum256([]byte(sid))
	if _, err := e.db.WebSession(context.Background(), hex.EncodeToString(sum[:]), e.clock.Now()); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("the member's session is still stored (%v)", err)
	}
	tab.SetCookie(e.URL, "cchcbot", sid)
	status := tab.Navigate(e.URL + "/")
	e.refused(t, tab, status, http.StatusUnauthorized, "Phiên làm việc đã kết thúc")
	for _, a := range e.audit(t) {
		if strings.HasPrefix(a.Action, "web.") {
			t.Errorf("a stranger's visit is in the audit log as an action: %+v", a)
		}
	}
}

// testBrowserStrangersAs opens every path as each kind of stranger, in a
// tab of their own, side by side.
func testBrowserStrangersAs(t *testing.T, b *browserRun, e *browserEnv, paths []string, member cchcbot.UserID) {
	for _, tc := range []struct {
		name   string
		cookie func(t *testing.T) string // "" for none
		status int64
		title  string
		paths  []string
	}{
		{"UnitMember", func(t *testing.T) string { return e.forgeSession(t, member) }, http.StatusForbidden, "Không có quyền truy cập", paths},
		{"NoCookie", func(t *testing.T) string { return "" }, http.StatusUnauthorized, "Chưa đăng nhập", paths},
		// The same check as no cookie once the id is not found: a page and
		// the two kinds of download suffice.
		{"MadeUpCookie", func(t *testing.T) string { s, _ := browserRandomToken(t); return s }, http.StatusUnauthorized, "Phiên làm việc đã kết thúc",
			[]string{paths[0], paths[5], paths[6]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tab := b.NewTab(t)
			for _, p := range tc.paths {
				if c := tc.cookie(t); c != "" {
					tab.SetCookie(e.URL, "cchcbot", c)
				}
				// A download refused is a page, so the navigation ends on
				// it: a file served here would abort the navigation.
				status := tab.Navigate(e.URL + p)
				e.refusedAt(t, tab, p, status, tc.status, tc.title)
			}
		})
	}
}
