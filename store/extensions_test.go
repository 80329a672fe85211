package store_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

var member = cchcbot.TelegramUser(11)

func ask(periodID, unit string, proposed cchcbot.Date) *cchcbot.Extension {
	return &cchcbot.Extension{PeriodID: periodID, UnitCode: unit, Proposed: proposed, Reason: "Cán bộ phụ trách đi tập huấn",
		RequestedBy: member, RequestedByName: "Lê Thị B"}
}

func mustAsk(tb testing.TB, db *store.DB, e *cchcbot.Extension) *cchcbot.Extension {
	tb.Helper()
	if err := db.CreateExtension(ctx, e, nil); err != nil {
		tb.Fatal(err)
	}
	return e
}

func TestCreateExtension(t *testing.T) {
	db := MustOpen(t)
	e := ask(feb, "xa-chau-loc", cchcbot.D(2024, 2, 25))
	err := db.CreateExtension(ctx, e, func(rec *cchcbot.Extension) []*cchcbot.Outgoing {
		rec.Reason = "changed by the callback" // not recorded
		return notices("Đề nghị gia hạn", admin)
	})
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != 1 || e.State != cchcbot.ExtensionRequested || !e.RequestedAt.Equal(t0) || e.Reason != "Cán bộ phụ trách đi tập huấn" || e.LabelVN() != "xin gia hạn đến 25/02/2024 (chờ xét)" {
		t.Errorf("created = %+v; want id 1, requested at t0", e)
	}
	if got, err := db.Extension(ctx, 1); err != nil || !jsonEqual(t, got, e) {
		t.Errorf("Extension(1) = %+v, %v; want %+v", got, err, e)
	}
	if es := auditAfter(t, db, 0); !slices.Equal(actions(es), []string{"extension-ask"}) || es[0].Subject != feb+" xa-chau-loc" || es[0].Actor != string(member) {
		t.Errorf("audit = %+v; want one extension-ask", es)
	}
	if msgs := outboxAfter(t, db, 0); len(msgs) != 1 || msgs[0].To != admin || !signalled(db) {
		t.Errorf("outbox = %+v; want the admins' notice, signalled", msgs)
	}

	// A second request while the first is pending.
	m := takeMark(t, db)
	err = db.CreateExtension(ctx, ask(feb, "xa-chau-loc", cchcbot.D(2024, 2, 28)), func(*cchcbot.Extension) []*cchcbot.Outgoing { return notices("x", admin) })
	wantCode(t, "a second pending request", err, cchcbot.ECONFLICT)
	if msg := cchcbot.ErrorMessage(err); !strings.Contains(msg, "25/02/2024") {
		t.Errorf("message %q does not name the pending request", msg)
	}
	m.unchanged(t, db, "a second pending request")

	// Another unit, another period: no conflict.
	if e2 := mustAsk(t, db, ask(feb, "xa-dong-hop", cchcbot.D(2024, 2, 25))); e2.ID != 2 {
		t.Errorf("another unit's id = %d, want 2", e2.ID)
	}
	if e3 := mustAsk(t, db, ask("bao-cao-thang/2024-03", "xa-chau-loc", cchcbot.D(2024, 3, 25))); e3.ID != 3 {
		t.Errorf("another period's id = %d, want 3", e3.ID)
	}

	_, err = db.Extension(ctx, 99)
	wantCode(t, "Extension(99)", err, cchcbot.ENOTFOUND)
}

func TestCreateExtensionRefused(t *testing.T) {
	db := MustOpen(t)
	tests := []struct {
		name   string
		change func(*cchcbot.Extension)
	}{
		{"no period", func(e *cchcbot.Extension) { e.PeriodID = "" }},
		{"no unit", func(e *cchcbot.Extension) { e.UnitCode = "" }},
		{"no proposed date", func(e *cchcbot.Extension) { e.Proposed = cchcbot.Date{} }},
		{"grant without a date", func(e *cchcbot.Extension) { e.State = cchcbot.ExtensionApproved }},
		{"created refused", func(e *cchcbot.Extension) { e.State = cchcbot.ExtensionRefused }},
		{"created withdrawn", func(e *cchcbot.Extension) { e.State = cchcbot.ExtensionWithdrawn }},
		{"reason too long", func(e *cchcbot.Extension) { e.Reason = strings.Repeat("ư", 1001) }},
		{"note too long", func(e *cchcbot.Extension) { e.Note = strings.Repeat("ư", 1001) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := ask(feb, "xa-chau-loc", cchcbot.D(2024, 2, 25))
			tt.change(e)
			m := takeMark(t, db)
			err := db.CreateExtension(ctx, e, nil)
			wantCode(t, tt.name, err, cchcbot.EINVALID)
			if !hasVietnamese(cchcbot.ErrorMessage(err)) {
				t.Errorf("message %q is not a Vietnamese sentence", cchcbot.ErrorMessage(err))
			}
			m.unchanged(t, db, tt.name)
		})
	}

	// Atomic: a notice that cannot be queued leaves no request behind.
	m := takeMark(t, db)
	if err := db.CreateExtension(ctx, ask(feb, "xa-chau-loc", cchcbot.D(2024, 2, 25)), func(*cchcbot.Extension) []*cchcbot.Outgoing { return badMessage }); err == nil {
		t.Error("a request whose notice has no recipient was recorded")
	}
	m.unchanged(t, db, "a request whose notice failed")
	if e := mustAsk(t, db, ask(feb, "xa-chau-loc", cchcbot.D(2024, 2, 25))); e.ID != 1 {
		t.Errorf("the next id = %d; want 1, none spent, no pending request left", e.ID)
	}
}

// TestGrantUnasked: an admin grants time nobody asked for.
func TestGrantUnasked(t *testing.T) {
	db := MustOpen(t)
	g := &cchcbot.Extension{PeriodID: feb, UnitCode: "xa-chau-loc", State: cchcbot.ExtensionApproved, Until: cchcbot.D(2024, 2, 29),
		Note: "Xã mới sáp nhập", RequestedBy: admin, RequestedByName: "Nguyễn Văn A"}
	if err := db.CreateExtension(ctx, g, nil); err != nil {
		t.Fatal(err)
	}
	if !g.Approved() || g.DecidedBy != admin || g.DecidedByName != "Nguyễn Văn A" || !g.DecidedAt.Equal(t0) || g.LabelVN() != "gia hạn đến 29/02/2024" {
		t.Errorf("grant = %+v; want approved by the admin at t0", g)
	}
	if es := auditAfter(t, db, 0); !slices.Equal(actions(es), []string{"extension-approve"}) {
		t.Errorf("audit = %+v; want one extension-approve", es)
	}
	// A grant is not pending: the unit may still ask for more.
	if e := mustAsk(t, db, ask(feb, "xa-chau-loc", cchcbot.D(2024, 3, 5))); e.ID != 2 {
		t.Errorf("ask after a grant: id %d", e.ID)
	}
}

// TestConcurrentExtensionRequests: a unit's members asking at once make
// one pending request.
func TestConcurrentExtensionRequests(t *testing.T) {
	db := MustOpen(t)
	const n = 10
	var wg sync.WaitGroup
	codes := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.CreateExtension(ctx, ask(feb, "xa-chau-loc", cchcbot.D(2024, 2, 21+i%5)), func(*cchcbot.Extension) []*cchcbot.Outgoing {
				return notices("Đề nghị", admin)
			})
			codes <- cchcbot.ErrorCode(err)
		}()
	}
	wg.Wait()
	close(codes)
	count := map[string]int{}
	for c := range codes {
		count[c]++
	}
	if count[""] != 1 || count[cchcbot.ECONFLICT] != n-1 {
		t.Errorf("outcomes = %v; want 1 recorded, %d conflicts", count, n-1)
	}
	if es, _ := db.Extensions(ctx, feb); len(es) != 1 {
		t.Errorf("extensions = %d; want 1", len(es))
	}
	if n, _ := db.OutboxLen(ctx); n != 1 {
		t.Errorf("outbox = %d; want 1 notice", n)
	}
}

func TestDecideExtension(t *testing.T) {
	until := cchcbot.D(2024, 2, 23)
	// from builds an extension in a given state.
	from := func(t *testing.T, db *store.DB, s cchcbot.ExtensionState) *cchcbot.Extension {
		t.Helper()
		e := mustAsk(t, db, ask(feb, "xa-chau-loc", cchcbot.D(2024, 2, 25)))
		switch s {
		case cchcbot.ExtensionApproved, cchcbot.ExtensionRefused:
			if _, ok, err := db.DecideExtension(ctx, e.ID, s, until, "", admin, "A", t0, nil); err != nil || !ok {
				t.Fatal(ok, err)
			}
		case cchcbot.ExtensionWithdrawn:
			if _, ok, err := db.DecideExtension(ctx, e.ID, cchcbot.ExtensionApproved, until, "", admin, "A", t0, nil); err != nil || !ok {
				t.Fatal(ok, err)
			}
			if _, ok, err := db.DecideExtension(ctx, e.ID, s, cchcbot.Date{}, "", admin, "A", t0, nil); err != nil || !ok {
				t.Fatal(ok, err)
			}
		}
		return e
	}
	R, A, F, W := cchcbot.ExtensionRequested, cchcbot.ExtensionApproved, cchcbot.ExtensionRefused, cchcbot.ExtensionWithdrawn
	tests := []struct {
		from, to cchcbot.ExtensionState
		changed  bool
		action   string
	}{
		{R, A, true, "extension-approve"},
		{R, F, true, "extension-refuse"},
		{R, W, false, ""},
		{R, R, false, ""},
		{A, W, true, "extension-withdraw"},
		{A, A, false, ""},
		{A, F, false, ""},
		{F, A, false, ""},
		{F, F, false, ""},
		{F, W, false, ""},
		{W, A, false, ""},
		{W, W, false, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"→"+string(tt.to), func(t *testing.T) {
			db := MustOpen(t)
			e := from(t, db, tt.from)
			before, _ := db.Extension(ctx, e.ID)
			m := takeMark(t, db)
			later := t0.Add(3 * time.Hour)
			got, changed, err := db.DecideExtension(ctx, e.ID, tt.to, until, " Rút ngắn vì số liệu cần gấp ", admin, "Trần Văn C", later,
				func(rec *cchcbot.Extension) []*cchcbot.Outgoing {
					return notices("Quyết định "+string(rec.State), member)
				})
			if err != nil || changed != tt.changed {
				t.Fatalf("DecideExtension = %v, %v; want changed %v", changed, err, tt.changed)
			}
			stored, _ := db.Extension(ctx, e.ID)
			if !jsonEqual(t, stored, got) {
				t.Errorf("returned %+v, stored %+v", got, stored)
			}
			if !tt.changed {
				m.unchanged(t, db, "a move that is not a decision")
				if !jsonEqual(t, got, before) {
					t.Errorf("returned %+v; want the stored %+v", got, before)
				}
				return
			}
			if got.State != tt.to || got.DecidedBy != admin || got.DecidedByName != "Trần Văn C" || !got.DecidedAt.Equal(later) || got.Note != "Rút ngắn vì số liệu cần gấp" {
				t.Errorf("decided = %+v", got)
			}
			if tt.to == A && (got.Until != until || !got.Approved()) {
				t.Errorf("approved = %+v; want until %v", got, until)
			}
			if es := auditAfter(t, db, m.audit); !slices.Equal(actions(es), []string{tt.action}) {
				t.Errorf("audit = %v; want [%s]", actions(es), tt.action)
			}
			if msgs := outboxAfter(t, db, 0); len(msgs) != m.outbox+1 || msgs[len(msgs)-1].Text != "Quyết định "+string(tt.to) {
				t.Errorf("outbox = %+v; want the member told", msgs)
			}
		})
	}
}

func TestDecideExtensionRefused(t *testing.T) {
	db := MustOpen(t)
	e := mustAsk(t, db, ask(feb, "xa-chau-loc", cchcbot.D(2024, 2, 25)))
	m := takeMark(t, db)
	_, _, err := db.DecideExtension(ctx, e.ID, cchcbot.ExtensionApproved, cchcbot.Date{}, "", admin, "A", t0, nil)
	wantCode(t, "approval without a date", err, cchcbot.EINVALID)
	_, _, err = db.DecideExtension(ctx, e.ID, "maybe", cchcbot.Date{}, "", admin, "A", t0, nil)
	wantCode(t, "an unknown state", err, cchcbot.EINVALID)
	_, _, err = db.DecideExtension(ctx, e.ID, cchcbot.ExtensionRefused, cchcbot.Date{}, strings.Repeat("ơ", 1001), admin, "A", t0, nil)
	wantCode(t, "a note too long", err, cchcbot.EINVALID)
	_, _, err = db.DecideExtension(ctx, 42, cchcbot.ExtensionRefused, cchcbot.Date{}, "", admin, "A", t0, nil)
	wantCode(t, "a missing extension", err, cchcbot.ENOTFOUND)
	_, _, err = db.DecideExtension(ctx, e.ID, cchcbot.ExtensionRefused, cchcbot.Date{}, "", admin, "A", t0,
		func(*cchcbot.Extension) []*cchcbot.Outgoing { return badMessage })
	if err == nil {
		t.Error("a decision whose notice has no recipient was recorded")
	}
	m.unchanged(t, db, "refused decisions")
	if got, _ := db.Extension(ctx, e.ID); got.State != cchcbot.ExtensionRequested {
		t.Errorf("state = %s; want still requested", got.State)
	}
}

// TestConcurrentDecisions: admins approving and refusing at once make one
// decision, one audit entry and one notice, and every caller is told the
// outcome that stands.
func TestConcurrentDecisions(t *testing.T) {
	db := MustOpen(t)
	e := mustAsk(t, db, ask(feb, "xa-chau-loc", cchcbot.D(2024, 2, 25)))
	m := takeMark(t, db)
	const n = 8
	var wg sync.WaitGroup
	type result struct {
		e       *cchcbot.Extension
		changed bool
		err     error
	}
	results := make(chan result, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			state := cchcbot.ExtensionApproved
			if i%2 == 1 {
				state = cchcbot.ExtensionRefused
			}
			got, changed, err := db.DecideExtension(ctx, e.ID, state, cchcbot.D(2024, 2, 24), "", cchcbot.TelegramUser(int64(900+i)), "", t0,
				func(*cchcbot.Extension) []*cchcbot.Outgoing { return notices("Quyết định", member) })
			results <- result{got, changed, err}
		}()
	}
	wg.Wait()
	close(results)
	stored, _ := db.Extension(ctx, e.ID)
	changed := 0
	for r := range results {
		if r.err != nil {
			t.Fatal(r.err)
		}
		if r.changed {
			changed++
		}
		if r.e.State != stored.State || r.e.DecidedBy != stored.DecidedBy {
			t.Errorf("a caller was told %s by %s; stored %s by %s", r.e.State, r.e.DecidedBy, stored.State, stored.DecidedBy)
		}
	}
	if changed != 1 {
		t.Errorf("%d decisions changed the extension; want 1", changed)
	}
	if es := auditAfter(t, db, m.audit); len(es) != 1 {
		t.Errorf("audit = %v; want one decision", actions(es))
	}
	if msgs := outboxAfter(t, db, 0); len(msgs) != 1 {
		t.Errorf("outbox = %d; want one notice", len(msgs))
	}
}

func TestExtensionsList(t *testing.T) {
	db := MustOpen(t)
	mar := "bao-cao-thang/2024-03"
	// Made so that the unit order and the id order differ.
	mustAsk(t, db, ask(feb, "xa-dong-hop", cchcbot.D(2024, 2, 25)))
	mustAsk(t, db, ask(mar, "xa-chau-loc", cchcbot.D(2024, 3, 25)))
	mustAsk(t, db, ask(feb, "xa-chau-loc", cchcbot.D(2024, 2, 25)))
	mustAsk(t, db, ask(feb+"x", "xa-chau-loc", cchcbot.D(2024, 2, 25))) // a period whose id extends feb's
	ids := func(es []*cchcbot.Extension) []uint64 {
		var out []uint64
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	if es, err := db.Extensions(ctx, feb); err != nil || !slices.Equal(ids(es), []uint64{1, 3}) {
		t.Errorf("Extensions(feb) = %v, %v; want [1 3]", ids(es), err)
	}
	if es, err := db.Extensions(ctx, ""); err != nil || !slices.Equal(ids(es), []uint64{1, 2, 3, 4}) {
		t.Errorf("Extensions(\"\") = %v, %v; want all, oldest first", ids(es), err)
	}
	if es, err := db.Extensions(ctx, "bao-cao-thang/2023-12"); err != nil || len(es) != 0 {
		t.Errorf("Extensions of a period without any = %v, %v", ids(es), err)
	}
}

func TestCountExtensions(t *testing.T) {
	db := MustOpen(t)
	in := func(y int) time.Time { return time.Date(y, 6, 1, 9, 0, 0, 0, t0.Location()) }
	approve := func(e *cchcbot.Extension) {
		t.Helper()
		if _, ok, err := db.DecideExtension(ctx, e.ID, cchcbot.ExtensionApproved, e.Proposed, "", admin, "", e.RequestedAt, nil); err != nil || !ok {
			t.Fatal(ok, err)
		}
	}
	at := func(e *cchcbot.Extension, t time.Time) *cchcbot.Extension { e.RequestedAt = t; return e }

	approve(mustAsk(t, db, at(ask("k/2024-01", "xa-a", cchcbot.D(2024, 1, 25)), in(2024))))
	approve(mustAsk(t, db, at(ask("k/2024-02", "xa-a", cchcbot.D(2024, 2, 25)), in(2024))))
	approve(mustAsk(t, db, at(ask("k/2023-12", "xa-a", cchcbot.D(2023, 12, 25)), in(2023))))
	// Asked on the last evening of 2023, local time: 2023's, though UTC says so too.
	approve(mustAsk(t, db, at(ask("k/2024-03", "xa-a", cchcbot.D(2024, 3, 25)), time.Date(2023, 12, 31, 23, 30, 0, 0, t0.Location()))))
	refused := mustAsk(t, db, at(ask("k/2024-04", "xa-a", cchcbot.D(2024, 4, 25)), in(2024)))
	if _, _, err := db.DecideExtension(ctx, refused.ID, cchcbot.ExtensionRefused, cchcbot.Date{}, "", admin, "", in(2024), nil); err != nil {
		t.Fatal(err)
	}
	withdrawn := mustAsk(t, db, at(ask("k/2024-05", "xa-a", cchcbot.D(2024, 5, 25)), in(2024)))
	approve(withdrawn)
	if _, _, err := db.DecideExtension(ctx, withdrawn.ID, cchcbot.ExtensionWithdrawn, cchcbot.Date{}, "", admin, "", in(2024), nil); err != nil {
		t.Fatal(err)
	}
	mustAsk(t, db, at(ask("k/2024-06", "xa-a", cchcbot.D(2024, 6, 25)), in(2024)))           // pending
	approve(mustAsk(t, db, at(ask("k/2024-01", "xa-ab", cchcbot.D(2024, 1, 25)), in(2024)))) // a unit whose code extends xa-a's
	if err := db.CreateExtension(ctx, &cchcbot.Extension{PeriodID: "k/2024-07", UnitCode: "xa-a", State: cchcbot.ExtensionApproved,
		Until: cchcbot.D(2024, 7, 30), RequestedAt: in(2024), RequestedBy: admin}, nil); err != nil { // granted unasked
		t.Fatal(err)
	}

	for _, tt := range []struct {
		unit string
		year int
		want int
	}{
		{"xa-a", 2024, 3},
		{"xa-a", 2023, 2},
		{"xa-a", 2025, 0},
		{"xa-ab", 2024, 1},
		{"xa-b", 2024, 0},
	} {
		if n, err := db.CountExtensions(ctx, tt.unit, tt.year); err != nil || n != tt.want {
			t.Errorf("CountExtensions(%s, %d) = %d, %v; want %d", tt.unit, tt.year, n, err, tt.want)
		}
	}
}
