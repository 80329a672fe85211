package store_test

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

func newInvite(tb testing.TB, db *store.DB, unit string, admin bool, expires time.Time) string {
	tb.Helper()
	code, hash, err := cchcbot.NewInviteCode(nil)
	if err != nil {
		tb.Fatal(err)
	}
	inv := cchcbot.Invite{Hash: hash, UnitCode: unit, Admin: admin, ExpiresAt: expires, CreatedBy: "cli"}
	if admin {
		inv.AdminName = "Cán bộ Nội vụ"
	}
	if err := db.CreateInvite(ctx, inv); err != nil {
		tb.Fatal(err)
	}
	return code
}

func TestInvites(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	alice := cchcbot.Member{User: cchcbot.TelegramUser(11), Name: "Alice"}
	bob := cchcbot.Member{User: cchcbot.TelegramUser(12), Name: "Bob"}
	good := newInvite(t, db, "xa-chau-loc", false, t0.Add(24*time.Hour))
	expired := newInvite(t, db, "xa-chau-loc", false, t0.Add(-time.Minute))
	admin := newInvite(t, db, "", true, t0.Add(time.Hour))

	cases := []struct {
		name string
		code string
		who  cchcbot.Member
		want string // error code, "" for success
	}{
		{"wrong code", "sai-ma", alice, cchcbot.ENOTFOUND},
		{"expired code", expired, alice, cchcbot.EEXPIRED},
		{"good code", good, alice, ""},
		{"used code", good, bob, cchcbot.ECONFLICT},
		{"used code, same person", good, alice, cchcbot.ECONFLICT},
		{"admin code", admin, bob, ""},
	}
	for _, c := range cases {
		inv, err := db.RedeemInvite(ctx, cchcbot.HashInviteCode(c.code), c.who, t0)
		wantCode(t, c.name, err, c.want)
		if c.want == "" && (!inv.UsedAt.Equal(t0) || inv.UsedBy != c.who.User) {
			t.Errorf("%s: invite = %+v, want used by %s at t0", c.name, inv, c.who.User)
		}
	}

	m, err := db.Member(ctx, alice.User)
	if err != nil || m.UnitCode != "xa-chau-loc" || !m.JoinedAt.Equal(t0) || m.InvitedBy != "cli" || m.Name != "Alice" {
		t.Errorf("alice = %+v, %v", m, err)
	}
	if _, err := db.Member(ctx, bob.User); cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND {
		t.Errorf("bob became a member (%v); he only redeemed an admin invite", err)
	}
	if a, err := db.Admin(ctx, bob.User); err != nil || a.Name != "Cán bộ Nội vụ" || a.FromConfig {
		t.Errorf("bob as admin = %+v, %v", a, err)
	}
	var expiredInv cchcbot.Invite
	invs, err := db.Invites(ctx)
	if err != nil || len(invs) != 3 {
		t.Fatalf("invites = %d, %v; want 3", len(invs), err)
	}
	for _, inv := range invs {
		if inv.Hash == cchcbot.HashInviteCode(expired) {
			expiredInv = inv
		}
	}
	if expiredInv.Used() {
		t.Error("a refused redeem consumed the expired invite")
	}

	raw, err := os.ReadFile(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{good, expired, admin} {
		if bytes.Contains(raw, []byte(c)) {
			t.Error("an invite code is stored in clear")
		}
	}
}

func TestCreateInviteRules(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	hash := strings.Repeat("a", 64)
	cases := []struct {
		name string
		inv  cchcbot.Invite
		want string
	}{
		{"not a hash", cchcbot.Invite{Hash: "abc", UnitCode: "xa-chau-loc", ExpiresAt: t0}, cchcbot.EINVALID},
		{"no expiry", cchcbot.Invite{Hash: hash, UnitCode: "xa-chau-loc"}, cchcbot.EINVALID},
		{"unknown unit", cchcbot.Invite{Hash: hash, UnitCode: "khong-co", ExpiresAt: t0}, cchcbot.ENOTFOUND},
		{"good", cchcbot.Invite{Hash: hash, UnitCode: "xa-chau-loc", ExpiresAt: t0}, ""},
		{"same hash again", cchcbot.Invite{Hash: hash, UnitCode: "xa-dong-hop", ExpiresAt: t0}, cchcbot.ECONFLICT},
	}
	for _, c := range cases {
		wantCode(t, c.name, db.CreateInvite(ctx, c.inv), c.want)
	}
	// A retired unit takes no new invites, and its old ones no longer work.
	code := newInvite(t, db, "xa-dong-hop", false, t0.Add(time.Hour))
	if _, err := db.SyncUnits(ctx, testUnits[:2], t0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "invite for a retired unit", db.CreateInvite(ctx, cchcbot.Invite{Hash: strings.Repeat("b", 64), UnitCode: "xa-dong-hop", ExpiresAt: t0}), cchcbot.ENOTFOUND)
	_, err := db.RedeemInvite(ctx, cchcbot.HashInviteCode(code), cchcbot.Member{User: cchcbot.TelegramUser(5)}, t0)
	wantCode(t, "redeem for a retired unit", err, cchcbot.ENOTFOUND)
	invs, _ := db.Invites(ctx)
	for _, inv := range invs {
		if inv.Hash == cchcbot.HashInviteCode(code) && inv.Used() {
			t.Error("a refused redeem consumed the invite")
		}
	}
}

// TestInviteRace: many people present one code at once; exactly one wins
// and the others are told it was used.
func TestInviteRace(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	code := newInvite(t, db, "xa-chau-loc", false, t0.Add(time.Hour))
	const n = 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = db.RedeemInvite(ctx, cchcbot.HashInviteCode(code), cchcbot.Member{User: cchcbot.TelegramUser(int64(100 + i))}, t0)
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch cchcbot.ErrorCode(err) {
		case "":
			wins++
		case cchcbot.ECONFLICT:
		default:
			t.Errorf("a loser got %v, want ECONFLICT", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d redeems of one code succeeded, want 1", wins)
	}
	if ms, _ := db.Members(ctx, "xa-chau-loc"); len(ms) != 1 {
		t.Errorf("members after the race = %d, want 1", len(ms))
	}
}

// TestHeadInvite: a head invite makes the unit's head, a plain invite
// to the same unit later keeps it, and a move to another unit drops it.
func TestHeadInvite(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	invite := func(unit string, head bool) string {
		code, hash, err := cchcbot.NewInviteCode(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateInvite(ctx, cchcbot.Invite{Hash: hash, UnitCode: unit, Head: head, ExpiresAt: t0.Add(time.Hour), CreatedBy: "cli"}); err != nil {
			t.Fatal(err)
		}
		return code
	}
	chair := cchcbot.Member{User: cchcbot.TelegramUser(21), Name: "Chủ tịch xã"}
	officer := cchcbot.Member{User: cchcbot.TelegramUser(22), Name: "Công chức VP-TK"}
	for _, step := range []struct {
		name string
		who  cchcbot.Member
		code string
		unit string
		head bool
	}{
		{"head invite", chair, invite("xa-chau-loc", true), "xa-chau-loc", true},
		{"plain invite", officer, invite("xa-chau-loc", false), "xa-chau-loc", false},
		{"the head again, with a plain code", chair, invite("xa-chau-loc", false), "xa-chau-loc", true},
		{"the head moved to another unit", chair, invite("xa-dong-hop", false), "xa-dong-hop", false},
	} {
		if _, err := db.RedeemInvite(ctx, cchcbot.HashInviteCode(step.code), step.who, t0); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		m, err := db.Member(ctx, step.who.User)
		if err != nil {
			t.Fatal(err)
		}
		if m.UnitCode != step.unit || m.Head != step.head {
			t.Errorf("%s: member of %s head=%v, want %s head=%v", step.name, m.UnitCode, m.Head, step.unit, step.head)
		}
	}
}
