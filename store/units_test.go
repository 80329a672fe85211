package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

func TestSyncUnits(t *testing.T) {
	db := MustOpen(t)
	steps := []struct {
		name  string
		units []cchcbot.Unit
		want  cchcbot.SyncResult
	}{
		{"first sync adds all", testUnits, cchcbot.SyncResult{Added: []string{"phong-noi-vu", "xa-chau-loc", "xa-dong-hop"}}},
		{"rename one, drop one", []cchcbot.Unit{testUnits[0], renamed(testUnits[1], "UBND xã Châu Lộc (mới)")},
			cchcbot.SyncResult{Updated: []string{"xa-chau-loc"}, Retired: []string{"xa-dong-hop"}}},
		{"the dropped one comes back", testUnits,
			cchcbot.SyncResult{Updated: []string{"xa-chau-loc"}, Revived: []string{"xa-dong-hop"}}},
		{"nothing changed", testUnits, cchcbot.SyncResult{}},
	}
	for i, st := range steps {
		now := t0.Add(time.Duration(i) * time.Hour)
		res, err := db.SyncUnits(ctx, st.units, now)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if fmt.Sprint(res) != fmt.Sprint(st.want) {
			t.Errorf("%s: result %+v, want %+v", st.name, res, st.want)
		}
		if i == 1 {
			u, err := db.Unit(ctx, "xa-dong-hop")
			if err != nil || !u.Retired || !u.RetiredAt.Equal(now) || !u.CreatedAt.Equal(t0) {
				t.Errorf("retired unit = %+v, %v", u, err)
			}
		}
	}
	u, err := db.Unit(ctx, "xa-dong-hop")
	if err != nil || u.Retired || !u.RetiredAt.IsZero() || !u.CreatedAt.Equal(t0) {
		t.Errorf("revived unit = %+v, %v; want in service, created at t0", u, err)
	}
	units, _ := db.Units(ctx)
	if codes := unitCodes(units); fmt.Sprint(codes) != "[phong-noi-vu xa-chau-loc xa-dong-hop]" {
		t.Errorf("units in config order = %v", codes)
	}
	_, err = db.Unit(ctx, "khong-co")
	wantCode(t, "unknown unit", err, cchcbot.ENOTFOUND)

	es, _ := db.AuditEntries(ctx, 0, 0)
	var actions []string
	for _, e := range es {
		if e.Actor != "system" {
			t.Errorf("audit actor %q, want system", e.Actor)
		}
		actions = append(actions, e.Action+" "+e.Subject)
	}
	want := []string{"unit.add phong-noi-vu", "unit.add xa-chau-loc", "unit.add xa-dong-hop",
		"unit.update xa-chau-loc", "unit.retire xa-dong-hop", "unit.update xa-chau-loc", "unit.revive xa-dong-hop"}
	if !slices.Equal(actions, want) {
		t.Errorf("audit = %v\nwant    %v", actions, want)
	}
}

func TestSyncUnitsRejectsBadCodes(t *testing.T) {
	db := MustOpen(t)
	for name, units := range map[string][]cchcbot.Unit{
		"empty code":     {{Code: "", Name: "X"}},
		"duplicate code": {{Code: "xa-a", Name: "A"}, {Code: "xa-a", Name: "A'"}},
		"zero byte":      {{Code: "xa\x00a", Name: "A"}},
	} {
		_, err := db.SyncUnits(ctx, units, t0)
		wantCode(t, name, err, cchcbot.EINVALID)
	}
	if units, _ := db.Units(ctx); len(units) != 0 {
		t.Errorf("a refused sync stored %v", units)
	}
}

func renamed(u cchcbot.Unit, name string) cchcbot.Unit {
	u.Name = name
	return u
}

func unitCodes(units []cchcbot.Unit) []string {
	var codes []string
	for _, u := range units {
		codes = append(codes, u.Code)
	}
	return codes
}

func join(tb testing.TB, db *store.DB, user cchcbot.UserID, unit string, at time.Time) {
	tb.Helper()
	code := newInvite(tb, db, unit, false, at.Add(time.Hour))
	if _, err := db.RedeemInvite(ctx, cchcbot.HashInviteCode(code), cchcbot.Member{User: user, Name: string(user)}, at); err != nil {
		tb.Fatal(err)
	}
}

func TestMembers(t *testing.T) {
	db := MustOpen(t)
	seedUnits(t, db)
	a, b, c := cchcbot.TelegramUser(1), cchcbot.TelegramUser(2), cchcbot.TelegramUser(3)
	join(t, db, b, "xa-dong-hop", t0)
	join(t, db, c, "xa-chau-loc", t0.Add(2*time.Minute))
	join(t, db, a, "xa-chau-loc", t0.Add(time.Minute))

	all, err := db.Members(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var order []cchcbot.UserID
	for _, m := range all {
		order = append(order, m.User)
	}
	if want := []cchcbot.UserID{a, c, b}; !slices.Equal(order, want) {
		t.Errorf("members by unit then joining = %v, want %v", order, want)
	}
	if chau, _ := db.Members(ctx, "xa-chau-loc"); len(chau) != 2 {
		t.Errorf("members of xa-chau-loc = %d, want 2", len(chau))
	}

	// Re-invited to another unit: the member moves.
	join(t, db, a, "xa-dong-hop", t0.Add(time.Hour))
	if m, err := db.Member(ctx, a); err != nil || m.UnitCode != "xa-dong-hop" {
		t.Errorf("moved member = %+v, %v", m, err)
	}
	if chau, _ := db.Members(ctx, "xa-chau-loc"); len(chau) != 1 {
		t.Errorf("members of xa-chau-loc after the move = %d, want 1", len(chau))
	}
	es, _ := db.AuditEntries(ctx, 0, 0)
	if last := es[len(es)-1]; last.Action != "member.move" || last.Detail != "xa-chau-loc → xa-dong-hop" {
		t.Errorf("move audit = %+v", last)
	}

	if err := db.SetReachable(ctx, b, false, "bot was blocked", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.Member(ctx, b); !m.Unreachable || m.UnreachableReason != "bot was blocked" || !m.UnreachableAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("unreachable member = %+v", m)
	}
	if err := db.SetReachable(ctx, b, true, "", t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.Member(ctx, b); m.Unreachable || !m.UnreachableAt.IsZero() {
		t.Errorf("reachable again = %+v", m)
	}
	if err := db.SetReachable(ctx, cchcbot.TelegramUser(99), false, "x", t0); err != nil {
		t.Errorf("SetReachable of a non-member = %v, want nil", err)
	}

	if err := db.RemoveMember(ctx, c, "cli", t0); err != nil {
		t.Fatal(err)
	}
	_, err = db.Member(ctx, c)
	wantCode(t, "removed member", err, cchcbot.ENOTFOUND)
	wantCode(t, "removing twice", db.RemoveMember(ctx, c, "cli", t0), cchcbot.ENOTFOUND)
}

func TestAdmins(t *testing.T) {
	db := MustOpen(t)
	boss, clerk, invited := cchcbot.TelegramUser(1), cchcbot.TelegramUser(2), cchcbot.TelegramUser(3)
	if err := db.SyncAdmins(ctx, []cchcbot.Admin{{User: boss, Name: "Trưởng phòng"}, {User: clerk, Name: "Chuyên viên"}}, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.AddAdmin(ctx, cchcbot.Admin{User: invited, Name: "Cán bộ mới"}); err != nil {
		t.Fatal(err)
	}
	// The config drops the clerk and renames the boss.
	if err := db.SyncAdmins(ctx, []cchcbot.Admin{{User: boss, Name: "Trưởng phòng Nội vụ"}}, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	admins, err := db.Admins(ctx)
	if err != nil || len(admins) != 2 {
		t.Fatalf("admins = %+v, %v; want the boss and the invited one", admins, err)
	}
	a, err := db.Admin(ctx, boss)
	if err != nil || a.Name != "Trưởng phòng Nội vụ" || !a.FromConfig || !a.AddedAt.Equal(t0) {
		t.Errorf("boss = %+v, %v", a, err)
	}
	if a, err := db.Admin(ctx, invited); err != nil || a.FromConfig || !a.AddedAt.Equal(t0) {
		t.Errorf("invited admin = %+v, %v", a, err)
	}
	_, err = db.Admin(ctx, clerk)
	wantCode(t, "dropped config admin", err, cchcbot.ENOTFOUND)

	// The boss also redeems an admin invite: still from the config, added
	// when first added.
	code := newInvite(t, db, "", true, t0.Add(3*time.Hour))
	if _, err := db.RedeemInvite(ctx, cchcbot.HashInviteCode(code), cchcbot.Member{User: boss}, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if a, err := db.Admin(ctx, boss); err != nil || !a.FromConfig || !a.AddedAt.Equal(t0) {
		t.Errorf("boss after an admin invite = %+v, %v; want from config, added at t0", a, err)
	}

	if err := db.RemoveAdmin(ctx, invited); err != nil {
		t.Fatal(err)
	}
	_, err = db.Admin(ctx, invited)
	wantCode(t, "removed admin", err, cchcbot.ENOTFOUND)
	wantCode(t, "removing a non-admin", db.RemoveAdmin(ctx, invited), cchcbot.ENOTFOUND)
}
