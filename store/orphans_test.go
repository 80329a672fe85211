package store_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

// age sets a stored file's modification time to at.
func age(tb testing.TB, path string, at time.Time) {
	tb.Helper()
	if err := os.Chtimes(path, at, at); err != nil {
		tb.Fatal(err)
	}
}

func blobPath(tb testing.TB, db *store.DB, f cchcbot.File) string {
	tb.Helper()
	p, err := db.FilePath(f.SHA256)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestCollectOrphanFiles(t *testing.T) {
	db := MustOpen(t)
	// Files' times are the file system's: "long ago" and "the cut" are
	// fixed instants well before any test run.
	longAgo := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	cut := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)

	submitted := putFile(t, db, "đã nộp")
	returnedV1 := putFile(t, db, "lần nộp đầu, bị trả lại")
	drafted := putFile(t, db, "trong hồ sơ đang soạn")
	queued := putFile(t, db, "đang chờ gửi lại cho cán bộ")
	orphan := putFile(t, db, "người nộp bỏ dở")
	putAgain := putFile(t, db, "gửi lại cùng nội dung")
	young := putFile(t, db, "vừa tải lên")
	letter := putFile(t, db, "công văn đề nghị báo cáo đột xuất")

	s1 := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-a", Files: []cchcbot.File{returnedV1}}
	s2 := &cchcbot.Submission{PeriodID: feb, UnitCode: "xa-a", Files: []cchcbot.File{submitted}}
	for _, s := range []*cchcbot.Submission{s1, s2} {
		if err := db.CreateSubmission(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveDraft(ctx, cchcbot.Draft{User: "telegram:1", Files: []cchcbot.File{drafted}}); err != nil {
		t.Fatal(err)
	}
	doc := &cchcbot.Outgoing{Kind: cchcbot.OutReply, To: "telegram:9", Document: &cchcbot.OutFile{SHA256: queued.SHA256, Name: "bao-cao.pdf"}}
	if err := db.Queue(ctx, doc); err != nil {
		t.Fatal(err)
	}
	req := &cchcbot.Request{Title: "Báo cáo đột xuất", Due: cchcbot.D(2024, 3, 20), Groups: []cchcbot.UnitGroup{cchcbot.GroupCommune},
		Instruction: &letter, CreatedBy: "cli", CreatedAt: longAgo, PlannedFrom: longAgo}
	if err := db.CreateRequest(ctx, req, nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range []cchcbot.File{submitted, returnedV1, drafted, queued, orphan, putAgain, letter} {
		age(t, blobPath(t, db, f), longAgo)
	}
	// The same content uploaded again, about to be named by a record: its
	// time is renewed, so it is not collected.
	if again := putFile(t, db, "gửi lại cùng nội dung"); again.SHA256 != putAgain.SHA256 {
		t.Fatal("same content, another hash")
	}
	tmpDir := filepath.Join(db.Dir(), "files", "tmp")
	oldTmp, newTmp := filepath.Join(tmpDir, "up-1"), filepath.Join(tmpDir, "up-2")
	for _, p := range []string{oldTmp, newTmp} {
		if err := os.WriteFile(p, []byte("nửa tệp"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	age(t, oldTmp, longAgo)
	// Not of the store's layout: never touched.
	stranger := filepath.Join(filepath.Dir(blobPath(t, db, orphan)), "ghi-chu.txt")
	if err := os.WriteFile(stranger, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	age(t, stranger, longAgo)

	n, err := db.CollectOrphanFiles(ctx, cut)
	if err != nil || n != 2 {
		t.Fatalf("CollectOrphanFiles = %d, %v; want 2 (the orphan, the old temp file)", n, err)
	}
	if db.HasFile(orphan.SHA256) {
		t.Error("the orphan is still stored")
	}
	for name, f := range map[string]cchcbot.File{"submitted": submitted, "an earlier version's": returnedV1, "drafted": drafted,
		"queued": queued, "put again": putAgain, "young": young, "request's instruction": letter} {
		if !db.HasFile(f.SHA256) {
			t.Errorf("the %s file was removed", name)
		}
	}
	for path, want := range map[string]bool{oldTmp: false, newTmp: true, stranger: true} {
		if _, err := os.Stat(path); (err == nil) != want {
			t.Errorf("%s exists = %v, want %v", filepath.Base(path), err == nil, want)
		}
	}
	if n, err := db.CollectOrphanFiles(ctx, cut); err != nil || n != 0 {
		t.Errorf("second collection = %d, %v; want nothing left to remove", n, err)
	}
	// Every record still opens its files.
	for _, s := range []*cchcbot.Submission{s1, s2} {
		rc, err := db.OpenFile(s.Files[0].SHA256)
		if err != nil {
			t.Errorf("submission %d: %v", s.ID, err)
			continue
		}
		rc.Close()
	}
}
