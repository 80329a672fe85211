package store_test

import (
	"sync"
	"testing"
	"time"

	"cchcbot"
)

// Reads are served from memory until a commit changes what they read:
// every kind of write shows in the next read, and what a caller does to
// its copy never reaches the next caller.
func TestReadCachesFollowWrites(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	const p = "bao-cao-thang/2024-02"

	units, _ := db.Units(ctx)
	units[0].Name = "changed by a caller"
	if again, _ := db.Units(ctx); again[0].Name == "changed by a caller" {
		t.Fatal("a caller's change reached the cache")
	}
	renamed := append([]cchcbot.Unit(nil), testUnits...)
	renamed[1].Name = "UBND xã Châu Lộc (mới)"
	if _, err := db.SyncUnits(ctx, renamed, t0); err != nil {
		t.Fatal(err)
	}
	if us, _ := db.Units(ctx); us[1].Name != "UBND xã Châu Lộc (mới)" {
		t.Errorf("units after a sync: %+v", us)
	}

	if ms, _ := db.Members(ctx, ""); len(ms) != 0 {
		t.Fatalf("members %+v", ms)
	}
	if err := db.ImportMembers(ctx, []cchcbot.Member{{User: "telegram:1", UnitCode: "xa-chau-loc"}, {User: "telegram:2", UnitCode: "xa-dong-hop"}}); err != nil {
		t.Fatal(err)
	}
	if ms, _ := db.Members(ctx, "xa-dong-hop"); len(ms) != 1 || ms[0].User != "telegram:2" {
		t.Errorf("members of Đồng Hợp after import: %+v", ms)
	}
	if err := db.SetReachable(ctx, "telegram:1", false, "blocked", t0); err != nil {
		t.Fatal(err)
	}
	if ms, _ := db.Members(ctx, "xa-chau-loc"); len(ms) != 1 || !ms[0].Unreachable {
		t.Errorf("unreachable flag not seen: %+v", ms)
	}
	if err := db.RemoveMember(ctx, "telegram:2", "admin", t0); err != nil {
		t.Fatal(err)
	}
	if ms, _ := db.Members(ctx, ""); len(ms) != 1 {
		t.Errorf("members after a removal: %+v", ms)
	}

	f := putFile(t, db, "%PDF cache")
	s := &cchcbot.Submission{PeriodID: p, UnitCode: "xa-chau-loc", Files: []cchcbot.File{f}}
	if err := db.CreateSubmission(ctx, s); err != nil {
		t.Fatal(err)
	}
	subs, _ := db.SubmissionsForPeriod(ctx, p)
	if len(subs) != 1 {
		t.Fatalf("submissions %+v", subs)
	}
	subs[0].State = cchcbot.StateAccepted // a caller's change
	if _, err := db.ReviewSubmission(ctx, s.ID, cchcbot.StateReturned, "Thiếu chữ ký", "telegram:9", t0, nil); err != nil {
		t.Fatal(err)
	}
	if latest, _ := db.LatestSubmissions(ctx, p); latest["xa-chau-loc"].State != cchcbot.StateReturned {
		t.Errorf("review not seen: %+v", latest["xa-chau-loc"])
	}
}

// Readers racing writers never end on a stale value: after the writers
// stop, the cache agrees with a fresh read of the file.
func TestReadCachesUnderConcurrentWrites(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	seedUnits(t, db)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					db.Members(ctx, "")
				}
			}
		}()
	}
	for i := range 50 {
		unit := []string{"xa-chau-loc", "xa-dong-hop"}[i%2]
		if err := db.ImportMembers(ctx, []cchcbot.Member{{User: cchcbot.TelegramUser(int64(i)), UnitCode: unit, JoinedAt: t0.Add(time.Duration(i))}}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	cached, _ := db.Members(ctx, "")
	db.Close()
	fresh := mustOpenDir(t, dir)
	want, _ := fresh.Members(ctx, "")
	if len(cached) != 50 || len(want) != 50 {
		t.Errorf("cached %d members, fresh read %d, want 50", len(cached), len(want))
	}
}

func TestMemberCountsFollowWrites(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	if err := db.ImportMembers(ctx, []cchcbot.Member{{User: "telegram:1", UnitCode: "xa-chau-loc"}, {User: "telegram:2", UnitCode: "xa-chau-loc"}}); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.MemberCounts(ctx); c["xa-chau-loc"] != (cchcbot.MemberCount{Members: 2, Reachable: 2}) {
		t.Errorf("counts %v", c)
	}
	c, _ := db.MemberCounts(ctx)
	c["xa-chau-loc"] = cchcbot.MemberCount{} // a caller's change
	if err := db.SetReachable(ctx, "telegram:2", false, "blocked", t0); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.MemberCounts(ctx); c["xa-chau-loc"] != (cchcbot.MemberCount{Members: 2, Reachable: 1}) {
		t.Errorf("counts after a block %v", c)
	}
}
