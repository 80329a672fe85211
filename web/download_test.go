package web_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"testing"

	"cchcbot/web/webtest"
)

// TestDownloadFile: a stored file comes back byte for byte (its sha256 is
// the one recorded), named in Vietnamese by RFC 5987 with an ASCII
// fallback, resumable, and only by submission and index.
func TestDownloadFile(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	sub := f.Seed.OnTime
	res := f.Get(t, c, fmt.Sprintf("/tep/%d/0", sub.ID))
	expectStatus(t, "download", res, http.StatusOK)
	sum := sha256.Sum256([]byte(res.Body))
	if got := hex.EncodeToString(sum[:]); got != sub.Files[0].SHA256 {
		t.Errorf("sha256 of the download %s, want the stored %s", got, sub.Files[0].SHA256)
	}
	cd := res.Header.Get("Content-Disposition")
	want := `attachment; filename="Bao cao thang 02 _ Chau Loc.pdf"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A1ng%2002%20%E2%80%93%20Ch%C3%A2u%20L%E1%BB%99c.pdf`
	if cd != want {
		t.Errorf("Content-Disposition\n %s\nwant\n %s", cd, want)
	}
	// What a browser reads of it: Go's parser decodes filename* as browsers do.
	if _, params, err := mime.ParseMediaType(cd); err != nil || params["filename"] != f.Seed.FileName {
		t.Errorf("parsed file name %q (%v), want %q", params["filename"], err, f.Seed.FileName)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}

	// A download cut short resumes.
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/tep/%d/0", f.URL, sub.ID), nil)
	req.Header.Set("Range", "bytes=9-")
	r, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusPartialContent || !bytes.Equal(part, f.Seed.File[9:]) {
		t.Errorf("a range: %d %q, want 206 and the rest of the file", r.StatusCode, part)
	}

	for _, p := range []string{fmt.Sprintf("/tep/%d/1", sub.ID), fmt.Sprintf("/tep/%d/-1", sub.ID), "/tep/99999/0", "/tep/x/0",
		"/tep/1/..%2F..%2Fcchcbot.db", "/tep/../cchcbot.db"} {
		// 404, or the router's redirect of a path with "..": never a file.
		if res := f.Get(t, c, p); res.Status != http.StatusNotFound && res.Status/100 != 3 || strings.Contains(res.Body, "bbolt") {
			t.Errorf("%s: status %d, want 404", p, res.Status)
		}
	}
	if es := auditEntries(t, f, "web.download.file"); len(es) != 1 || !strings.Contains(es[0].Detail, webtest.Admins[0].Name) {
		t.Errorf("audit of the download = %+v, want one (the resumed one is the same download)", es)
	}
}

// TestDownloadWorkbook: the year's workbook streams as .xlsx under a
// Vietnamese name, audited with the admin's name.
func TestDownloadWorkbook(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	res := f.Get(t, c, "/tai/nam/2024")
	expectStatus(t, "workbook", res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type %q", ct)
	}
	if _, params, _ := mime.ParseMediaType(res.Header.Get("Content-Disposition")); params["filename"] != "Tổng hợp CCHC năm 2024.xlsx" {
		t.Errorf("file name %q", params["filename"])
	}
	z, err := zip.NewReader(bytes.NewReader([]byte(res.Body)), int64(len(res.Body)))
	if err != nil {
		t.Fatalf("the workbook is not a zip: %v", err)
	}
	found := false
	for _, e := range z.File {
		found = found || e.Name == "xl/workbook.xml"
	}
	if !found {
		t.Errorf("the workbook has no xl/workbook.xml")
	}
	if es := auditEntries(t, f, "web.download.workbook"); len(es) != 1 || es[0].Subject != "2024" || !strings.Contains(es[0].Detail, webtest.Admins[0].Name) {
		t.Errorf("audit = %+v", es)
	}
	res = f.Get(t, c, "/tai/nam/2023")
	expectStatus(t, "a year with no period", res, http.StatusNotFound)
	expectBody(t, "a year with no period", res.Body, "chưa có gì để tổng hợp")
}

// TestDownloadArchive: a period's zip holds each unit's files, checked
// against their sha256, and the manifest.
func TestDownloadArchive(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	res := f.Get(t, c, "/tai/ky/bao-cao-thang/2024-02")
	expectStatus(t, "archive", res, http.StatusOK)
	if _, params, _ := mime.ParseMediaType(res.Header.Get("Content-Disposition")); params["filename"] != "Báo cáo CCHC tháng 02_2024.zip" {
		t.Errorf("file name %q", params["filename"])
	}
	z, err := zip.NewReader(bytes.NewReader([]byte(res.Body)), int64(len(res.Body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var names []string
	for _, e := range z.File {
		names = append(names, e.Name)
		if !strings.Contains(e.Name, "Châu Lộc") {
			continue
		}
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(body, f.Seed.File) {
			t.Errorf("%s differs from the stored file", e.Name)
		}
	}
	if len(names) != 7 { // six units' files and the manifest
		t.Errorf("entries %q, want six files and the manifest", names)
	}
	if es := auditEntries(t, f, "web.download.archive"); len(es) != 1 || es[0].Subject != webtest.February {
		t.Errorf("audit = %+v", es)
	}
}
