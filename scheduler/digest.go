package scheduler

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cchcbot"
)

// summaryWindow bounds how late a missed summary is still worth sending
// after its morning (the bot was down): a week-old summary is noise.
const summaryWindow = 3 * 24 * time.Hour

// RunDigest sends, on working days from digest time, the admins' daily
// digest, and the summary of each period the first working morning after
// its deadline. Each goes to each admin once: sends are recorded per admin
// in the store, so a restart does not repeat them.
func (s *Scheduler) RunDigest(ctx context.Context, now time.Time) error {
	s.tickMu.Lock()
	defer s.tickMu.Unlock()
	cal := s.Calendar()
	local := now.In(cal.Location)
	today := cchcbot.DateOf(local)
	if cal.InQuietHours(now) {
		return nil
	}
	admins, err := s.Store.Admins(ctx)
	if err != nil || len(admins) == 0 {
		return err
	}
	var f *facts
	load := func() error {
		if f != nil {
			return nil
		}
		loaded, err := s.loadFacts(ctx)
		f = &loaded
		return err
	}
	if cal.Work.IsWorkingDay(today) && !local.Before(today.At(cal.Reminders.DigestTime, cal.Location)) {
		if err := load(); err != nil {
			return err
		}
		text, err := s.digestText(ctx, cal, *f, now)
		if err != nil {
			return err
		}
		if text != "" {
			if err := s.sendOnce(ctx, admins, "digest/"+today.String(), text); err != nil {
				return err
			}
		}
	}
	for _, p := range activePeriods(cal, now) {
		at := cal.SummaryAt(p)
		if now.Before(at) || now.Sub(at) > summaryWindow {
			continue
		}
		if err := load(); err != nil {
			return err
		}
		ps, err := s.status(ctx, cal, p, *f)
		if err != nil {
			return err
		}
		if err := s.sendOnce(ctx, admins, "summary/"+p.ID, summaryText(s.Office, ps)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Scheduler) sendOnce(ctx context.Context, admins []cchcbot.Admin, key, text string) error {
	for _, a := range admins {
		k := key + "/" + string(a.User)
		if v, err := s.Store.GetState(ctx, k); err != nil {
			return err
		} else if v != nil {
			continue
		}
		if _, err := s.Channel.Send(ctx, cchcbot.OutMessage{To: a.User, Text: text, Priority: cchcbot.PriorityBulk}); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.Logger.Warn("digest not delivered", "admin", string(a.User), "key", key, "err", err)
		}
		if err := s.Store.PutState(ctx, k, []byte(s.Clock.Now().UTC().Format(time.RFC3339))); err != nil {
			return err
		}
	}
	return nil
}

func (s *Scheduler) status(ctx context.Context, cal *cchcbot.Calendar, p cchcbot.Period, f facts) (cchcbot.PeriodStatus, error) {
	k, _ := cal.Kind(p.KindID)
	latest, err := s.Store.LatestSubmissions(ctx, p.ID)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	members, err := s.Store.Members(ctx, "")
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	reminders, err := s.Store.Reminders(ctx, p.ID)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	return cchcbot.ComputeStatus(k, p, f.units, latest, members, reminders), nil
}

// digestText covers every period whose reminders have begun and that still
// takes submissions; "" when there is none.
func (s *Scheduler) digestText(ctx context.Context, cal *cchcbot.Calendar, f facts, now time.Time) (string, error) {
	var b strings.Builder
	for _, p := range activePeriods(cal, now) {
		plan := cal.Plan(p)
		if len(plan) == 0 || now.Before(plan[0].At) {
			continue
		}
		ps, err := s.status(ctx, cal, p, f)
		if err != nil {
			return "", err
		}
		c := ps.Counts()
		if b.Len() == 0 {
			fmt.Fprintf(&b, "TỔNG HỢP HẰNG NGÀY – %s\n", cchcbot.DateOf(now.In(cal.Location)).VN())
		}
		fmt.Fprintf(&b, "\n%s (hạn %s, %s)\n", p.Label, p.Due.VN(), cchcbot.DaysLeftVN(p.DaysLeft(now)))
		fmt.Fprintf(&b, "Đã nộp %d/%d (đúng hạn %d, trễ hạn %d); chưa nộp %d; bị trả lại %d; không liên lạc được %d.\n",
			c.Submitted(), c.Owed, c.OnTime, c.Late, c.Missing, c.Returned, c.Unreachable)
		if s.NewInDigest {
			writeNew(&b, ps, now.Add(-24*time.Hour), cal.Location)
		}
		writePending(&b, ps)
	}
	return b.String(), nil
}

// writeNew lists the reports received since from.
func writeNew(b *strings.Builder, ps cchcbot.PeriodStatus, from time.Time, loc *time.Location) {
	var lines []string
	for _, u := range ps.Units {
		if l := u.Latest; l != nil && l.SubmittedAt.After(from) {
			lines = append(lines, fmt.Sprintf("   – %s: phiên bản %d lúc %s, biên nhận %s", u.Unit.Name, l.Version, l.SubmittedAt.In(loc).Format("15:04 02/01/2006"), l.ReceiptNo()))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintf(b, "Báo cáo mới nhận trong 24 giờ qua:\n%s\n", strings.Join(lines, "\n"))
	}
}

func writePending(b *strings.Builder, ps cchcbot.PeriodStatus) {
	pending := ps.Pending()
	if len(pending) == 0 {
		return
	}
	b.WriteString("Đơn vị chưa hoàn thành:\n")
	var group cchcbot.UnitGroup
	for _, u := range pending {
		if u.Unit.Group != group {
			group = u.Unit.Group
			fmt.Fprintf(b, "  %s:\n", group.Label())
		}
		note := ""
		if u.State == cchcbot.UnitReturned {
			note = " (bị trả lại)"
		}
		if u.Unreachable() {
			note += " (không liên lạc được)"
		} else if u.Members == 0 {
			note += " (chưa có thành viên nhận tin)"
		}
		fmt.Fprintf(b, "   – %s%s\n", u.Unit.Name, note)
	}
}

// summaryText is the report of a period the morning after its deadline.
func summaryText(office string, ps cchcbot.PeriodStatus) string {
	var b strings.Builder
	p, c := ps.Period, ps.Counts()
	fmt.Fprintf(&b, "KẾT QUẢ THỰC HIỆN: %s (hạn %s)\n", p.Label, p.Due.VN())
	fmt.Fprintf(&b, "Nộp đúng hạn: %d/%d đơn vị. Nộp trễ: %d. Chưa nộp: %d. Bị trả lại: %d.\n", c.OnTime, c.Owed, c.Late, c.Missing, c.Returned)
	var late []string
	for _, u := range ps.Units {
		if u.State == cchcbot.UnitLate {
			late = append(late, fmt.Sprintf("%s (trễ %d ngày)", u.Unit.Name, u.Latest.DaysLate))
		}
	}
	if len(late) > 0 {
		fmt.Fprintf(&b, "Nộp trễ: %s.\n", strings.Join(late, "; "))
	}
	writePending(&b, ps)
	fmt.Fprintf(&b, "\n%s", office)
	return b.String()
}
