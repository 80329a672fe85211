package store_test

import (
	"testing"

	"cchcbot"
)

func TestImportSubmissions(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	f := putFile(t, db, "%PDF import")
	subs := []*cchcbot.Submission{
		{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", Files: []cchcbot.File{f}, SubmittedAt: t0, State: cchcbot.StateReturned, Reason: "Thiếu chữ ký"},
		{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", Files: []cchcbot.File{f}, SubmittedAt: t0.Add(3600e9), DaysLate: 1},
		{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-dong-hop", Files: []cchcbot.File{f}, SubmittedAt: t0},
	}
	if err := db.ImportSubmissions(ctx, subs); err != nil {
		t.Fatal(err)
	}
	if subs[0].Version != 1 || subs[1].Version != 2 || subs[2].Version != 1 || subs[2].ID != 3 {
		t.Errorf("versions %d %d %d, last id %d", subs[0].Version, subs[1].Version, subs[2].Version, subs[2].ID)
	}
	got, err := db.Submissions(ctx, "bao-cao-thang/2024-02", "xa-chau-loc")
	if err != nil || len(got) != 2 || got[0].State != cchcbot.StateReturned || got[0].Reason != "Thiếu chữ ký" || got[1].State != cchcbot.StateSubmitted {
		t.Fatalf("imported versions read back as %+v (%v)", got, err)
	}
	latest, _ := db.LatestSubmissions(ctx, "bao-cao-thang/2024-02")
	if latest["xa-chau-loc"].Version != 2 || latest["xa-dong-hop"] == nil {
		t.Errorf("latest %+v", latest)
	}
	// A later CreateSubmission continues the versions.
	s := &cchcbot.Submission{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", Files: []cchcbot.File{f}}
	if err := db.CreateSubmission(ctx, s); err != nil || s.Version != 3 || s.ID != 4 {
		t.Errorf("after import: version %d id %d (%v)", s.Version, s.ID, err)
	}
	// A batch with a file not in the store writes nothing.
	bad := []*cchcbot.Submission{
		{PeriodID: "bao-cao-thang/2024-03", UnitCode: "xa-dong-hop", Files: []cchcbot.File{f}},
		{PeriodID: "bao-cao-thang/2024-03", UnitCode: "xa-dong-hop", Files: []cchcbot.File{{SHA256: "00", Name: "x.pdf"}}},
	}
	if err := db.ImportSubmissions(ctx, bad); err == nil {
		t.Error("a batch naming a missing file was imported")
	}
	if got, _ := db.Submissions(ctx, "bao-cao-thang/2024-03", "xa-dong-hop"); len(got) != 0 {
		t.Errorf("a refused batch left %d submissions", len(got))
	}
}

func TestImportMembers(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	ms := []cchcbot.Member{
		{User: cchcbot.TelegramUser(1), UnitCode: "xa-chau-loc", Name: "A", JoinedAt: t0},
		{User: cchcbot.TelegramUser(2), UnitCode: "xa-dong-hop", Name: "B", JoinedAt: t0},
	}
	if err := db.ImportMembers(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if m, err := db.Member(ctx, cchcbot.TelegramUser(2)); err != nil || m.UnitCode != "xa-dong-hop" || !m.JoinedAt.Equal(t0) {
		t.Errorf("member 2: %+v %v", m, err)
	}
	bad := []cchcbot.Member{{User: cchcbot.TelegramUser(3), UnitCode: "xa-chau-loc"}, {User: cchcbot.TelegramUser(4), UnitCode: "khong-co"}}
	if err := db.ImportMembers(ctx, bad); err == nil {
		t.Error("a member of an unknown unit was imported")
	}
	if _, err := db.Member(ctx, cchcbot.TelegramUser(3)); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("a refused batch left member 3 (%v)", err)
	}
}

func TestCreateSubmissionWithKeyIsIdempotent(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	f := putFile(t, db, "%PDF key")
	first := &cchcbot.Submission{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", Files: []cchcbot.File{f}, Key: "telegram:1/abcd"}
	if err := db.CreateSubmission(ctx, first); err != nil {
		t.Fatal(err)
	}
	again := &cchcbot.Submission{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", Files: []cchcbot.File{f}, Key: "telegram:1/abcd", Note: "again"}
	if err := db.CreateSubmission(ctx, again); err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || again.Version != 1 || again.Note != "" {
		t.Errorf("the same key made %+v, want the first version back", again)
	}
	if vs, _ := db.Submissions(ctx, "bao-cao-thang/2024-02", "xa-chau-loc"); len(vs) != 1 {
		t.Errorf("%d versions after a repeated key, want 1", len(vs))
	}
	if s, err := db.SubmissionByKey(ctx, "telegram:1/abcd"); err != nil || s.ID != first.ID {
		t.Errorf("by key: %+v, %v", s, err)
	}
	if _, err := db.SubmissionByKey(ctx, "telegram:2/abcd"); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("an unknown key: %v", err)
	}
	other := &cchcbot.Submission{PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", Files: []cchcbot.File{f}, Key: "telegram:1/ef01"}
	if err := db.CreateSubmission(ctx, other); err != nil || other.Version != 2 {
		t.Errorf("another key: version %d, %v", other.Version, err)
	}
}
