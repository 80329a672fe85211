// Package synth generates synthetic deployments for the benchmarks: a
// province of N units with members, and years of monthly periods with
// submissions, returns, acceptances and reminder logs, written through the
// store's own API so the records are exactly what the bot writes.
package synth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"cchcbot"
	"cchcbot/scheduler"
	"cchcbot/store"
)

// Options size a deployment.
type Options struct {
	Units          int
	MembersPerUnit int       // default 3
	End            time.Time // the deployment's "now": nothing after it exists
	Seed           uint64
	// Files is the size of the pool of distinct report files submissions
	// point to (content-addressed, so the pool is what lands on disk).
	// Default 64.
	Files int
	// KeepLogYears is reminders.keep_log_years: as simulated time passes,
	// the reminder rows of periods closed longer ago are folded into
	// their tallies, as the running bot's nightly roll-up does, so the
	// file is what the bot leaves behind. 0 keeps every row.
	KeepLogYears int
}

// Stats says what Populate wrote.
type Stats struct {
	Units, Members, Periods     int
	Submissions, Returned, Late int
	Missing, Reminders, Acked   int
	Files                       int
	Folded                      int // reminder rows rolled up into tallies
	Elapsed                     time.Duration
}

func (s Stats) String() string {
	return fmt.Sprintf("%d units, %d members, %d periods, %d submissions (%d returned, %d late), %d missing, %d reminders (%d acknowledged, %d rows rolled up) in %s",
		s.Units, s.Members, s.Periods, s.Submissions, s.Returned, s.Late, s.Missing, s.Reminders, s.Acked, s.Folded, s.Elapsed.Round(time.Millisecond))
}

// Syllables of Vietnamese place names: realistic lengths and diacritics,
// so collation and folding cost what they cost on real names.
var (
	first  = []string{"Châu", "Đồng", "Yên", "Liên", "Minh", "Nghĩa", "Tam", "Thọ", "Văn", "Hạ", "Bắc", "Nam", "Quỳ", "Tân", "Hưng", "Phúc", "Thạch", "Xuân", "Long", "Đức", "An", "Bình", "Cẩm", "Diễn", "Hòa", "Kim", "Lạc", "Mỹ", "Ngọc", "Ơn", "Phú", "Quang", "Sơn", "Tiến", "Ưng", "Vĩnh"}
	second = []string{"Lộc", "Hợp", "Đình", "Cường", "Hồng", "Lý", "Quang", "Thái", "Thành", "Tiến", "Sơn", "Lợi", "Xuân", "Phong", "Thịnh", "Khê", "Giang", "Điền", "Mỹ", "Ninh", "Hải", "Lâm", "Trung", "Đông", "Tây"}
	depts  = []string{"Phòng Nội vụ", "Phòng Tư pháp", "Phòng Tài chính - Kế hoạch", "Phòng Kinh tế - Hạ tầng", "Phòng Tài nguyên và Môi trường",
		"Phòng Lao động - Thương binh và Xã hội", "Phòng Văn hóa và Thông tin", "Phòng Giáo dục và Đào tạo", "Phòng Y tế", "Thanh tra"}
	reasons = []string{"Thiếu số liệu thủ tục hành chính", "Chưa ký, đóng dấu", "Sai mẫu báo cáo", "Thiếu phụ lục", "Số liệu không khớp kỳ trước"}
)

// Units returns n units: about 10% departments, 5% public service units
// and the rest communes, as at district level, each with a distinct
// Vietnamese name and code.
func Units(n int) []cchcbot.Unit {
	us := make([]cchcbot.Unit, n)
	for i := range n {
		place := first[i%len(first)] + " " + second[(i/len(first))%len(second)]
		if k := i / (len(first) * len(second)); k > 0 {
			place += fmt.Sprintf(" %d", k+1)
		}
		u := cchcbot.Unit{Code: fmt.Sprintf("dv-%05d", i), Order: i + 1}
		switch {
		case i%20 < 2:
			u.Group, u.Name, u.HeadTitle = cchcbot.GroupDepartment, depts[i%len(depts)]+" "+place, "Trưởng phòng"
		case i%20 == 2:
			u.Group, u.Name, u.HeadTitle = cchcbot.GroupServiceUnit, "Trung tâm Dịch vụ "+place, "Giám đốc"
		default:
			u.Group, u.Name, u.HeadTitle = cchcbot.GroupCommune, "UBND xã "+place, "Chủ tịch UBND xã"
		}
		us[i] = u
	}
	return us
}

// MemberID is the Telegram id of member j of unit i.
func MemberID(i, j int) int64 { return 100_000_000 + int64(i)*10 + int64(j) }

// Populate writes a deployment of cal's periods that opened by o.End into
// db: units, members (through invites, as people join), and for every
// period and unit an outcome drawn from rates seen in practice: most on
// time near the deadline, some late, some returned and resubmitted, a few
// missing; each member reminded at every step before the unit submitted,
// a third of reminders acknowledged. A period goes in with two commits.
func Populate(ctx context.Context, db *store.DB, cal *cchcbot.Calendar, o Options) (Stats, error) {
	start := time.Now()
	if o.MembersPerUnit == 0 {
		o.MembersPerUnit = 3
	}
	if o.Files == 0 {
		o.Files = 64
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	st := Stats{Units: o.Units}
	units := Units(o.Units)
	if _, err := db.SyncUnits(ctx, units, o.End); err != nil {
		return st, err
	}
	// Members as if each had joined through an invite five years ago.
	joined := o.End.AddDate(-5, 0, 0)
	var members []cchcbot.Member
	for i, u := range units {
		for j := range o.MembersPerUnit {
			members = append(members, cchcbot.Member{User: cchcbot.TelegramUser(MemberID(i, j)), UnitCode: u.Code,
				Name: fmt.Sprintf("Cán bộ %d của %s", j+1, u.Name), JoinedAt: joined, InvitedBy: "telegram:100000001"})
		}
	}
	for chunk := range slices.Chunk(members, 10_000) {
		if err := db.ImportMembers(ctx, chunk); err != nil {
			return st, err
		}
	}
	st.Members = len(members)
	pool, err := filePool(ctx, db, o.Files, rng)
	if err != nil {
		return st, err
	}
	st.Files = len(pool)

	// The bot's own roll-up, run as the simulated time passes: before
	// each period opens, and at the end.
	rows := map[string]int{} // reminder rows written, by period
	sched := scheduler.New(cal, db, cchcbot.ClockFunc(func() time.Time { return o.End }), cchcbot.CallbackSigner{}, "", slog.New(slog.DiscardHandler))
	rollUp := func(now time.Time) error {
		if o.KeepLogYears <= 0 {
			return nil
		}
		folded, err := sched.RunRollUp(ctx, now, o.KeepLogYears)
		for _, id := range folded { // a period is folded whole, once
			st.Folded += rows[id]
		}
		return err
	}

	first := cchcbot.DateOf(o.End.In(cal.Location)).AddDays(-10 * 366)
	for _, p := range cal.Periods(first, cchcbot.DateOf(o.End.In(cal.Location)).AddDays(60)) {
		if p.Opens.After(o.End) {
			continue
		}
		if err := rollUp(p.Opens); err != nil {
			return st, err
		}
		k, _ := cal.Kind(p.KindID)
		plan := cal.Plan(p)
		var subs []*cchcbot.Submission
		// By step, as the bot writes them: each step's rows of every unit
		// in one commit, between the rows of the steps before.
		rems := make([][]cchcbot.Reminder, len(plan))
		for i, u := range units {
			if !k.Owes(u) {
				continue
			}
			vs, doneAt := outcome(rng, p, u, i, pool, o.End)
			for _, s := range vs {
				if s.State == cchcbot.StateReturned {
					st.Returned++
				}
				if s.DaysLate > 0 {
					st.Late++
				}
			}
			if len(vs) == 0 && o.End.After(p.Deadline) {
				st.Missing++
			}
			subs = append(subs, vs...)
			for si, step := range plan {
				if step.At.After(o.End) || !doneAt.IsZero() && !step.At.Before(doneAt) {
					continue
				}
				for j := range o.MembersPerUnit {
					sent := step.At.Add(time.Duration(rng.IntN(600)) * time.Second)
					r := cchcbot.Reminder{PeriodID: p.ID, UnitCode: u.Code, Step: step.Name, Member: cchcbot.TelegramUser(MemberID(i, j)),
						State: cchcbot.ReminderSent, PlannedAt: step.At, SentAt: sent, UpdatedAt: sent, MessageID: fmt.Sprint(rng.IntN(1 << 30))}
					if rng.IntN(3) == 0 {
						r.AckedAt = sent.Add(time.Duration(5+rng.IntN(240)) * time.Minute)
						st.Acked++
					}
					rems[si] = append(rems[si], r)
				}
			}
		}
		if err := db.ImportSubmissions(ctx, subs); err != nil {
			return st, fmt.Errorf("period %s: %w", p.ID, err)
		}
		n := 0
		for _, step := range rems {
			if len(step) == 0 {
				continue
			}
			if err := db.MarkReminders(ctx, step); err != nil {
				return st, fmt.Errorf("period %s: %w", p.ID, err)
			}
			n += len(step)
		}
		rows[p.ID] = n
		st.Periods++
		st.Submissions += len(subs)
		st.Reminders += n
	}
	if err := rollUp(o.End); err != nil {
		return st, err
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

// filePool stores n distinct report-like files of 8 to 64 KB.
func filePool(ctx context.Context, db *store.DB, n int, rng *rand.Rand) ([]cchcbot.File, error) {
	pool := make([]cchcbot.File, n)
	for i := range pool {
		body := make([]byte, 8<<10+rng.IntN(56<<10))
		for j := range body {
			body[j] = byte(rng.Uint32())
		}
		copy(body, "%PDF-1.7\n")
		sum, size, err := db.PutFile(ctx, strings.NewReader(string(body)), 1<<20)
		if err != nil {
			return nil, err
		}
		if want := sha256.Sum256(body); hex.EncodeToString(want[:]) != sum {
			return nil, fmt.Errorf("file pool: sha256 mismatch")
		}
		pool[i] = cchcbot.File{SHA256: sum, Size: size, MIME: "application/pdf"}
	}
	return pool, nil
}

// outcome draws what unit u did for period p, and when it stopped owing
// the period (zero if it still does).
func outcome(rng *rand.Rand, p cchcbot.Period, u cchcbot.Unit, i int, pool []cchcbot.File, end time.Time) ([]*cchcbot.Submission, time.Time) {
	submitter := cchcbot.TelegramUser(MemberID(i, rng.IntN(3)))
	mk := func(at time.Time) *cchcbot.Submission {
		f := pool[rng.IntN(len(pool))]
		f.Name = fmt.Sprintf("Báo cáo CCHC %s - %s.pdf", p.ID[strings.LastIndexByte(p.ID, '/')+1:], u.Code)
		return &cchcbot.Submission{PeriodID: p.ID, UnitCode: u.Code, Files: []cchcbot.File{f}, SubmittedBy: submitter,
			SubmitterName: "Cán bộ " + u.Name, SubmittedAt: at, DaysLate: p.DaysLate(at),
			DocNumber: fmt.Sprintf("%d/BC-UBND", 1+rng.IntN(400))}
	}
	// Most people submit in the last days before the deadline.
	onTime := func() time.Time {
		back := time.Duration(rng.ExpFloat64() * 2.5 * 24 * float64(time.Hour))
		at := p.Deadline.Add(-time.Hour - back)
		if at.Before(p.Opens) {
			at = p.Opens.Add(time.Duration(rng.IntN(48)) * time.Hour)
		}
		return at
	}
	late := func(after time.Time) time.Time {
		days := 1 + int(math.Min(20, rng.ExpFloat64()*4))
		return after.Add(time.Duration(days)*24*time.Hour - time.Duration(rng.IntN(8))*time.Hour)
	}
	var vs []*cchcbot.Submission
	var at time.Time
	switch r := rng.Float64(); {
	case r < 0.03: // never submitted
		return nil, time.Time{}
	case r < 0.05: // returned, not resubmitted
		vs = append(vs, mk(onTime()))
		returnIt(rng, vs[0])
		at = time.Time{}
	case r < 0.09: // returned, resubmitted
		vs = append(vs, mk(onTime()))
		returnIt(rng, vs[0])
		s := mk(vs[0].ReviewedAt.Add(time.Duration(4+rng.IntN(72)) * time.Hour))
		vs = append(vs, s)
		at = s.SubmittedAt
	case r < 0.21: // late
		s := mk(late(p.Deadline))
		vs, at = append(vs, s), s.SubmittedAt
	default:
		s := mk(onTime())
		vs, at = append(vs, s), s.SubmittedAt
	}
	// Keep only what happened by end.
	kept := vs[:0]
	for _, s := range vs {
		if !s.SubmittedAt.After(end) && !s.SubmittedAt.After(p.Closes) {
			kept = append(kept, s)
		}
	}
	vs = kept
	if len(vs) == 0 || vs[len(vs)-1].State == cchcbot.StateReturned {
		return vs, time.Time{}
	}
	last := vs[len(vs)-1]
	if last.SubmittedAt.Add(48*time.Hour).Before(end) && rng.IntN(10) < 7 {
		last.State, last.ReviewedBy, last.ReviewedAt = cchcbot.StateAccepted, "telegram:100000001", last.SubmittedAt.Add(time.Duration(2+rng.IntN(46))*time.Hour)
	}
	return vs, at
}

func returnIt(rng *rand.Rand, s *cchcbot.Submission) {
	s.State, s.Reason = cchcbot.StateReturned, reasons[rng.IntN(len(reasons))]
	s.ReviewedBy, s.ReviewedAt = "telegram:100000001", s.SubmittedAt.Add(time.Duration(2+rng.IntN(30))*time.Hour)
}
