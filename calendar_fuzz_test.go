package cchcbot_test

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"cchcbot"
)

// FuzzParseDate: ParseDate accepts exactly the YYYY-MM-DD form of a real
// day, so what it accepts prints back as itself and survives a trip through
// the Vietnamese form; anything else is EINVALID.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "2024-13-01", "0000-01-01", "9999-12-31", "2024-2-3",
		"+024-02-03", "2024-02-03 ", " 2024-02-03", "2024-02-03T00:00:00Z", "20240203", "2024/02/03", "２０２４-02-03", "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := cchcbot.ParseDate(s)
		if err != nil {
			if cchcbot.ErrorCode(err) != cchcbot.EINVALID || !d.IsZero() {
				t.Fatalf("ParseDate(%q) = %+v, %v; want zero, EINVALID", s, d, err)
			}
			return
		}
		checkDate(t, s, d)
		if d.String() != s {
			t.Fatalf("ParseDate(%q) = %+v prints as %q", s, d, d.String())
		}
	})
}

// FuzzParseDMY: ParseDMY accepts d/m/yyyy with or without leading zeros in
// the day and month; what it accepts is a real day whose numbers are those
// written, and prints back (VN) to a form that parses to the same day.
func FuzzParseDMY(f *testing.F) {
	for _, s := range []string{"29/02/2024", "29/2/2023", "1/1/2024", "01/01/0000", "31/12/9999", "31/4/2024", "0/1/2024",
		"1/13/2024", "001/1/2024", "1/1/24", "1-1-2024", "1/1/2024 ", "1/1/+024", "1/1/2024/1", "٣/1/2024", "\x00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := cchcbot.ParseDMY(s)
		if err != nil {
			if cchcbot.ErrorCode(err) != cchcbot.EINVALID || !d.IsZero() {
				t.Fatalf("ParseDMY(%q) = %+v, %v; want zero, EINVALID", s, d, err)
			}
			return
		}
		checkDate(t, s, d)
		parts := strings.Split(s, "/")
		if len(parts) != 3 || len(parts[0]) > 2 || len(parts[1]) > 2 || len(parts[2]) != 4 {
			t.Fatalf("ParseDMY accepted %q, not d/m/yyyy", s)
		}
		for i, want := range []int{d.Day, int(d.Month), d.Year} {
			if n, err := strconv.Atoi(parts[i]); err != nil || n != want || strings.ContainsAny(parts[i], "+-") {
				t.Fatalf("ParseDMY(%q) = %s: field %q is not %d", s, d, parts[i], want)
			}
		}
	})
}

// checkDate asserts that d, parsed from s, is a real day that round-trips
// through both printed forms.
func checkDate(t *testing.T, s string, d cchcbot.Date) {
	t.Helper()
	if d.IsZero() || cchcbot.D(d.Year, d.Month, d.Day) != d || d.Year < 0 || d.Year > 9999 {
		t.Fatalf("%q parsed to %+v, not a real day", s, d)
	}
	if back, err := cchcbot.ParseDMY(d.VN()); err != nil || back != d {
		t.Fatalf("%q: ParseDMY(VN %q) = %+v, %v; want %+v", s, d.VN(), back, err, d)
	}
	if back, err := cchcbot.ParseDate(d.String()); err != nil || back != d {
		t.Fatalf("%q: ParseDate(String %q) = %+v, %v; want %+v", s, d.String(), back, err, d)
	}
}

// fuzzNow maps an arbitrary number to an instant from 1910 to 2224. (Not
// earlier: Period refuses yearly keys before 1900, by design, so that "/xem
// 12" is not read as the year 12, and the default period of a "now" in the
// 1800s would be a yearly period whose id does not resolve.)
func fuzzNow(n int64) time.Time {
	const span = 200 * 366 * 24 * 3600
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, hcm).Unix()
	n %= span
	if n < -110*366*24*3600 {
		n = -n
	}
	return time.Unix(base+n, 0).In(hcm)
}

// FuzzResolvePeriod: whatever a person types, ResolvePeriod never panics
// and answers either a period of the calendar, the same one Period gives
// for its id, or an EINVALID/ENOTFOUND error. A canonical id resolves to
// itself, and a month "m/yyyy" to the monthly kind's period of that month.
func FuzzResolvePeriod(f *testing.F) {
	for _, s := range []string{"", "  ", "bao-cao-thang/2024-02", "02/2024", "2/2024", "2024-02", "2024", "2025", "1899",
		"ke-hoach-khac-phuc/2024", "tong-ket-nam/2025", "tong-ket-nam/02025", "tong-ket-nam/+2025", "bao-cao-thang/2024-2",
		"13/2024", "0/2024", "/2024", "02/", "/", "//", "2/2024/1", "bao-cao-thang/", "/2024-02", "bao-cao-thang/2023-12",
		"bao-cao-thang/0000-01", "bao-cao-thang/9999-12", "x/y/z", "99999999999999999999", "-2024", "2024-", "\u00a02024",
		"１２/2024", "\xff/\xfe", strings.Repeat("9", 1000)} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(-110*366*24*3600+1))
	f.Add("", int64(40*24*3600))
	f.Add("02/2024", int64(1<<62))
	cal := testCalendar()
	f.Fuzz(func(t *testing.T, query string, n int64) {
		now := fuzzNow(n)
		p, err := cal.ResolvePeriod(query, now)
		if err != nil {
			if c := cchcbot.ErrorCode(err); c != cchcbot.EINVALID && c != cchcbot.ENOTFOUND {
				t.Fatalf("ResolvePeriod(%q, %s): %v", query, now, err)
			}
			if p != (cchcbot.Period{}) {
				t.Fatalf("ResolvePeriod(%q) failed with a period %+v", query, p)
			}
			if q := strings.TrimSpace(query); q != "" {
				if _, err := cal.Period(q); err == nil {
					t.Fatalf("ResolvePeriod(%q) refused the period id %q: %v", query, q, err)
				}
			}
			return
		}
		if _, ok := cal.Kind(p.KindID); !ok || !strings.HasPrefix(p.ID, p.KindID+"/") {
			t.Fatalf("ResolvePeriod(%q) = %q of unknown kind %q", query, p.ID, p.KindID)
		}
		if byID, err := cal.Period(p.ID); err != nil || byID != p {
			t.Fatalf("ResolvePeriod(%q) = %+v, but Period(%q) = %+v, %v", query, p, p.ID, byID, err)
		}
		if again, err := cal.ResolvePeriod(" "+p.ID+" ", now); err != nil || again != p {
			t.Fatalf("ResolvePeriod(%q) = %q does not resolve back: %+v, %v", query, p.ID, again, err)
		}
		q := strings.TrimSpace(query)
		if byID, err := cal.Period(q); err == nil && byID != p {
			t.Fatalf("ResolvePeriod(%q) = %q, not the period it names", query, p.ID)
		}
		if m, y, ok := strings.Cut(q, "/"); ok && !strings.ContainsAny(q, "-abcdefghijklmnopqrstuvwxyz") {
			mi, _ := strconv.Atoi(m)
			yi, _ := strconv.Atoi(y)
			if p.KindID != "bao-cao-thang" || int(p.NominalDue.Month) != mi || p.NominalDue.Year != yi {
				t.Fatalf("ResolvePeriod(%q) = %q, not month %d of %d", query, p.ID, mi, yi)
			}
		}
		if q == "" {
			// The default: an open period when there is one.
			if open := cal.OpenPeriods(now); len(open) > 0 && open[0] != p {
				t.Fatalf("default at %s = %q, but %q is open", now, p.ID, open[0].ID)
			}
		}
	})
}

// FuzzPeriods lists the periods of a calendar whose kinds, weekends and
// shifting rule are drawn by the fuzzer, over any span of dates within
// ±200 years of 2024, and checks every period against the rules: sorted by
// deadline, nominal due date in the span and on the schedule, the due day
// the nominal one or, when deadlines shift, the first working day after
// it, submissions opening before the deadline and closing after it, and
// each period the same one Period returns for its id.
func FuzzPeriods(f *testing.F) {
	f.Add(int16(0), int16(0), int16(365), uint8(12), uint8(1), uint8(31), uint16(20), uint16(90), uint8(0x41), true, uint8(0))
	f.Add(int16(-200), int16(0), int16(32767), uint8(31), uint8(2), uint8(29), uint16(7), uint16(0), uint8(0x41), true, uint8(0))
	f.Add(int16(199), int16(364), int16(1), uint8(31), uint8(12), uint8(31), uint16(366), uint16(366), uint8(0x7f), true, uint8(0))
	f.Add(int16(1), int16(10), int16(-5), uint8(1), uint8(1), uint8(1), uint16(60), uint16(1), uint8(0), false, uint8(1))
	f.Add(int16(0), int16(40), int16(20), uint8(29), uint8(2), uint8(29), uint16(30), uint16(30), uint8(0x3e), true, uint8(2))
	// The day Ho Chi Minh City set its clocks back at midnight, 01/07/1955:
	// a monthly report due 30/06/1955 used to have its deadline an hour
	// into 01/07 (the first 00:00–00:59 counted as on time).
	f.Add(int16(-69), int16(41), int16(325), uint8(29), uint8(6), uint8(29), uint16(20), uint16(90), uint8(0), false, uint8(0))
	// Havana set its clocks forward at midnight on 10/06/1928 and Asunción
	// most Octobers: a day whose 00:00 does not exist.
	f.Add(int16(-96), int16(150), int16(30), uint8(8), uint8(6), uint8(8), uint16(20), uint16(90), uint8(0), false, uint8(2))
	f.Add(int16(-12), int16(270), int16(30), uint8(5), uint8(10), uint8(29), uint16(20), uint16(90), uint8(0), false, uint8(3))
	locs := []*time.Location{hcm, time.UTC}
	for _, name := range []string{"America/Havana", "America/Asuncion"} {
		if loc, err := time.LoadLocation(name); err == nil {
			locs = append(locs, loc)
		}
	}
	f.Fuzz(func(t *testing.T, fromYear, fromDay, span int16, monthly, yMonth, yDay uint8, open, late uint16, weekend uint8, shift bool, zone uint8) {
		cal := testCalendar()
		loc := locs[int(zone)%len(locs)]
		cal.Location = loc
		cal.ShiftDeadlines = shift
		cal.Work.Weekends = map[time.Weekday]bool{}
		for wd := range 7 {
			cal.Work.Weekends[time.Weekday(wd)] = weekend&(1<<wd) != 0
		}
		// Kinds within what config accepts.
		mDay := int(monthly)%31 + 1
		ym := time.Month(int(yMonth)%12 + 1)
		yd := int(yDay)%time.Date(2024, ym+1, 0, 0, 0, 0, 0, time.UTC).Day() + 1
		openDays := 7 + int(open)%(366-7+1)
		lateDays := int(late) % 367
		cal.Kinds[1].Schedule.Day = mDay
		cal.Kinds[1].Window = cchcbot.Window{FromDay: mDay, ToDay: int(monthly)/31%31 + 1}
		cal.Kinds[1].OpenDays, cal.Kinds[1].LateDays = openDays, lateDays
		cal.Kinds[1].Start = cchcbot.Date{}
		cal.Kinds[2].Schedule.Month, cal.Kinds[2].Schedule.Day = ym, yd
		cal.Kinds[2].OpenDays, cal.Kinds[2].LateDays = openDays, lateDays

		from := cchcbot.D(2024+int(fromYear)%201, 1, 1).AddDays(int(fromDay) % 366)
		to := from.AddDays(int(span) % (200 * 366))
		if lim := cchcbot.D(2224, 12, 31); to.After(lim) {
			to = lim
		}
		if lim := cchcbot.D(1824, 1, 1); to.Before(lim) {
			to = lim
		}
		ps := cal.Periods(from, to)
		if to.Before(from) {
			if len(ps) != 0 {
				t.Fatalf("Periods(%s, %s) = %d periods for an empty span", from, to, len(ps))
			}
			return
		}

		// The monthly kind falls once in every month whose (clamped) due
		// day is in the span, the yearly one once in every such year.
		wantMonthly, wantYearly := 0, 0
		for m := cchcbot.D(from.Year, from.Month, 1); !m.After(to); m = cchcbot.D(m.Year, m.Month+1, 1) {
			last := cchcbot.D(m.Year, m.Month+1, 0).Day
			if d := (cchcbot.Date{Year: m.Year, Month: m.Month, Day: min(mDay, last)}); !d.Before(from) && !d.After(to) {
				wantMonthly++
			}
			if m.Month == ym {
				last := cchcbot.D(m.Year, ym+1, 0).Day
				if d := (cchcbot.Date{Year: m.Year, Month: ym, Day: min(yd, last)}); !d.Before(from) && !d.After(to) {
					wantYearly++
				}
			}
		}
		count := map[string]int{}
		seen := map[string]bool{}
		for i, p := range ps {
			count[p.KindID]++
			if seen[p.ID] {
				t.Fatalf("period %q listed twice", p.ID)
			}
			seen[p.ID] = true
			if i > 0 {
				q := ps[i-1]
				if q.Deadline.After(p.Deadline) || q.Deadline.Equal(p.Deadline) && q.ID > p.ID {
					t.Fatalf("periods out of order: %q (%s) before %q (%s)", q.ID, q.Deadline, p.ID, p.Deadline)
				}
			}
			k, ok := cal.Kind(p.KindID)
			if !ok || !strings.HasPrefix(p.ID, k.ID+"/") || p.Label == "" || p.RequiresFile != k.RequiresFile {
				t.Fatalf("period %+v does not belong to kind %+v", p, k)
			}
			if p.NominalDue.Before(from) || p.NominalDue.After(to) {
				t.Fatalf("%q: nominal due %s outside [%s, %s]", p.ID, p.NominalDue, from, to)
			}
			switch k.Schedule.Kind {
			case cchcbot.ScheduleMonthly:
				if last := cchcbot.D(p.NominalDue.Year, p.NominalDue.Month+1, 0).Day; p.NominalDue.Day != min(mDay, last) {
					t.Fatalf("%q: nominal due %s is not day %d", p.ID, p.NominalDue, mDay)
				}
				// The window runs from its first day in the month before to
				// its last day in the due month (config lets either be any
				// day 1–31, so it may end after the due day).
				prev := cchcbot.D(p.NominalDue.Year, p.NominalDue.Month-1, 1)
				w := cal.Kinds[1].Window
				if !p.HasWindow() || !p.WindowFrom.Before(p.WindowTo) ||
					p.WindowFrom != (cchcbot.Date{Year: prev.Year, Month: prev.Month, Day: min(w.FromDay, cchcbot.D(prev.Year, prev.Month+1, 0).Day)}) ||
					p.WindowTo != (cchcbot.Date{Year: p.NominalDue.Year, Month: p.NominalDue.Month, Day: min(w.ToDay, cchcbot.D(p.NominalDue.Year, p.NominalDue.Month+1, 0).Day)}) {
					t.Fatalf("%q: window %s – %s", p.ID, p.WindowFrom, p.WindowTo)
				}
			case cchcbot.ScheduleYearly:
				if last := cchcbot.D(p.NominalDue.Year, ym+1, 0).Day; p.NominalDue.Month != ym || p.NominalDue.Day != min(yd, last) {
					t.Fatalf("%q: nominal due %s is not %d/%d", p.ID, p.NominalDue, yd, ym)
				}
			case cchcbot.ScheduleOnce:
				if p.NominalDue != k.Schedule.Date {
					t.Fatalf("%q: nominal due %s", p.ID, p.NominalDue)
				}
			}
			// The working-day shift.
			if p.Shifted() != (p.Due != p.NominalDue) || p.Due.Before(p.NominalDue) {
				t.Fatalf("%q: due %s before nominal %s", p.ID, p.Due, p.NominalDue)
			}
			if !shift && p.Due != p.NominalDue {
				t.Fatalf("%q: due %s shifted from %s with shifting off", p.ID, p.Due, p.NominalDue)
			}
			if shift {
				if weekend&0x7f != 0x7f && !cal.Work.IsWorkingDay(p.Due) {
					t.Fatalf("%q: due %s is not a working day", p.ID, p.Due)
				}
				if p.NominalDue.DaysUntil(p.Due) > 366 {
					t.Fatalf("%q: due %s shifted more than a year from %s", p.ID, p.Due, p.NominalDue)
				}
				for d := p.NominalDue; d.Before(p.Due); d = d.AddDays(1) {
					if cal.Work.IsWorkingDay(d) {
						t.Fatalf("%q: due %s shifted past the working day %s", p.ID, p.Due, d)
					}
				}
			}
			// Deadline, opening and closing.
			if want := p.Due.AddDays(1).In(loc).Add(-time.Nanosecond); !p.Deadline.Equal(want) || !p.OnTime(p.Deadline) || p.OnTime(p.Deadline.Add(time.Nanosecond)) {
				t.Fatalf("%q: deadline %s, want %s", p.ID, p.Deadline, want)
			}
			if !p.Deadline.After(p.Opens) || p.Opens.After(p.Due.AddDays(-k.OpenDays).In(loc)) {
				t.Fatalf("%q: opens %s, deadline %s, open days %d", p.ID, p.Opens, p.Deadline, k.OpenDays)
			}
			if !p.Closes.After(p.Deadline) || !p.IsOpen(p.Deadline) || p.IsOpen(p.Closes) || !p.IsOpen(p.Opens) {
				t.Fatalf("%q: open %s – %s, deadline %s", p.ID, p.Opens, p.Closes, p.Deadline)
			}
			if DateOf := cchcbot.DateOf; DateOf(p.Deadline.In(loc)) != p.Due || DateOf(p.Deadline.Add(time.Nanosecond).In(loc)) != p.Due.AddDays(1) ||
				DateOf(p.Opens.In(loc)) == DateOf(p.Opens.Add(-time.Nanosecond).In(loc)) {
				t.Fatalf("%q in %s: deadline %s is not the end of the due day %s, or opens %s not the start of a day", p.ID, loc, p.Deadline, p.Due, p.Opens)
			}
			if p.DaysLate(p.Deadline) != 0 || p.DaysLeft(p.Deadline) != 0 {
				t.Fatalf("%q: at the deadline %d days late, %d left", p.ID, p.DaysLate(p.Deadline), p.DaysLeft(p.Deadline))
			}
			if byID, err := cal.Period(p.ID); p.NominalDue.Year >= 1900 && (err != nil || byID != p) {
				t.Fatalf("Periods lists %+v, Period(%q) = %+v, %v", p, p.ID, byID, err)
			}
		}
		if count["bao-cao-thang"] != wantMonthly || count["tong-ket-nam"] != wantYearly {
			t.Fatalf("Periods(%s, %s): %d monthly, %d yearly; want %d, %d", from, to,
				count["bao-cao-thang"], count["tong-ket-nam"], wantMonthly, wantYearly)
		}
	})
}

// FuzzPeriodKinds lists the periods of quarterly, half-yearly, nine-month
// and yearly kinds whose due day, month, parts and data window are drawn
// by the fuzzer, over any span within ±200 years of 2024, and checks each
// against the rules worked out here from its id alone: the due day in the
// period's last month or the month after, clamped; the window from a day
// of the month before the period (moved by StartShift) to a day of its
// last month; a yearly window ending in EndMonth of the latest year not
// after the due month. Every period due in the span is listed once, in
// deadline order, and is the one Period returns for its id.
func FuzzPeriodKinds(f *testing.F) {
	f.Add(int16(0), int16(0), int16(365), uint8(19), false, uint8(0), uint16(1), uint8(11), true, uint16(13), uint16(30))
	f.Add(int16(0), int16(0), int16(400), uint8(4), true, uint8(0x1d), uint16(31*30+961*2), uint8(0), true, uint16(0), uint16(90))
	f.Add(int16(-124), int16(300), int16(800), uint8(30), true, uint8(0x2f), uint16(30+31*30+2883*6), uint8(1), false, uint16(366), uint16(366))
	f.Add(int16(199), int16(364), int16(30000), uint8(28), false, uint8(0x01), uint16(0), uint8(1), true, uint16(7), uint16(0))
	f.Add(int16(-200), int16(0), int16(-5), uint8(0), false, uint8(0xff), uint16(65535), uint8(5), false, uint16(1), uint16(1))
	f.Fuzz(func(t *testing.T, fromYear, fromDay, span int16, day uint8, after bool, parts uint8, win uint16, yMonth uint8, shift bool, open, late uint16) {
		cal := testCalendar()
		cal.ShiftDeadlines = shift
		d, ma := int(day)%31+1, 0
		if after {
			ma = 1
		}
		var w cchcbot.Window
		switch win {
		case 0:
		case 1:
			w = cchcbot.WindowND09
		default:
			w = cchcbot.Window{FromDay: int(win)%31 + 1, ToDay: int(win/31)%31 + 1, StartShift: int(win/961)%3 - 1, EndMonth: time.Month(int(win/2883) % 13)}
		}
		all := []cchcbot.UnitGroup{cchcbot.GroupCommune}
		kind := func(id string, s cchcbot.Schedule) cchcbot.ReportKind {
			return cchcbot.ReportKind{ID: id, Title: "Báo cáo", Schedule: s, Window: w, Groups: all,
				OpenDays: 7 + int(open)%360, LateDays: int(late) % 367}
		}
		cal.Kinds = []cchcbot.ReportKind{
			kind("quy", cchcbot.Schedule{Kind: cchcbot.ScheduleQuarterly, Day: d, MonthsAfter: ma, Parts: cchcbot.PartSet(parts & 0x0f)}),
			kind("nua-nam", cchcbot.Schedule{Kind: cchcbot.ScheduleHalfYearly, Day: d, MonthsAfter: ma, Parts: cchcbot.PartSet(parts >> 4 & 0x03)}),
			kind("chin-thang", cchcbot.Schedule{Kind: cchcbot.ScheduleNineMonths, Day: d, MonthsAfter: ma}),
			kind("nam", cchcbot.Schedule{Kind: cchcbot.ScheduleYearly, Month: time.Month(int(yMonth)%12 + 1), Day: d}),
		}
		from := cchcbot.D(2024+int(fromYear)%201, 1, 1).AddDays(int(fromDay) % 366)
		to := from.AddDays(int(span) % (200 * 366))
		if lim := cchcbot.D(2224, 12, 31); to.After(lim) {
			to = lim
		}
		clamp := func(y int, m time.Month, day int) cchcbot.Date {
			first := cchcbot.D(y, m, 1)
			return cchcbot.Date{Year: first.Year, Month: first.Month, Day: min(day, cchcbot.D(first.Year, first.Month+1, 0).Day)}
		}
		// spanOf and lastOf say, for kind k and the year and part its key
		// names, how many months the period covers and its last month.
		spanOf := map[string]int{"quy": 3, "nua-nam": 6, "chin-thang": 9, "nam": 12}
		lastOf := func(k cchcbot.ReportKind, y, n int) cchcbot.Date {
			switch k.Schedule.Kind {
			case cchcbot.ScheduleYearly:
				end := cmp.Or(w.EndMonth, time.December)
				if end > k.Schedule.Month {
					y--
				}
				return cchcbot.D(y, end, 1)
			case cchcbot.ScheduleNineMonths:
				return cchcbot.D(y, time.September, 1)
			}
			return cchcbot.D(y, time.Month(n*spanOf[k.ID]), 1)
		}
		dueOf := func(k cchcbot.ReportKind, y, n int) cchcbot.Date {
			if k.Schedule.Kind == cchcbot.ScheduleYearly {
				return clamp(y, k.Schedule.Month, d)
			}
			last := lastOf(k, y, n)
			return clamp(last.Year, last.Month+time.Month(ma), d)
		}
		// The periods each kind must list, counted without the calendar.
		want := map[string]int{}
		for _, k := range cal.Kinds {
			for y := from.Year - 1; y <= to.Year; y++ {
				for n := range 4 + 1 {
					switch {
					case k.Schedule.Kind == cchcbot.ScheduleQuarterly && n >= 1 && k.Schedule.Parts.Has(n),
						k.Schedule.Kind == cchcbot.ScheduleHalfYearly && n >= 1 && n <= 2 && k.Schedule.Parts.Has(n),
						k.Schedule.Kind == cchcbot.ScheduleNineMonths && n == 0,
						k.Schedule.Kind == cchcbot.ScheduleYearly && n == 0:
						if due := dueOf(k, y, n); !due.Before(from) && !due.After(to) {
							want[k.ID]++
						}
					}
				}
			}
		}
		ps := cal.Periods(from, to)
		got := map[string]int{}
		for i, p := range ps {
			got[p.KindID]++
			if i > 0 && (ps[i-1].Deadline.After(p.Deadline) || ps[i-1].ID == p.ID) {
				t.Fatalf("%q listed after %q", p.ID, ps[i-1].ID)
			}
			k, _ := cal.Kind(p.KindID)
			key := strings.TrimPrefix(p.ID, k.ID+"/")
			var y, n int
			var err error
			switch k.Schedule.Kind {
			case cchcbot.ScheduleQuarterly:
				_, err = fmt.Sscanf(key, "%04d-Q%d", &y, &n)
			case cchcbot.ScheduleHalfYearly:
				_, err = fmt.Sscanf(key, "%04d-H%d", &y, &n)
			case cchcbot.ScheduleNineMonths:
				_, err = fmt.Sscanf(key, "%04d-9T", &y)
			default:
				y, err = strconv.Atoi(key)
			}
			if err != nil {
				t.Fatalf("%q: key %q: %v", p.ID, key, err)
			}
			if due := dueOf(k, y, n); p.NominalDue != due || p.NominalDue.Before(from) || p.NominalDue.After(to) {
				t.Fatalf("%q: nominal due %s, want %s in [%s, %s]", p.ID, p.NominalDue, due, from, to)
			}
			last := lastOf(k, y, n)
			start := cchcbot.D(last.Year, last.Month-time.Month(spanOf[k.ID])+time.Month(w.StartShift), 1)
			switch {
			case w.IsZero():
				if p.HasWindow() {
					t.Fatalf("%q: a window %s without a rule", p.ID, p.WindowVN())
				}
			case p.WindowTo != clamp(last.Year, last.Month, w.ToDay) || p.WindowFrom != clamp(start.Year, start.Month, w.FromDay) ||
				!p.WindowFrom.Before(p.WindowTo):
				t.Fatalf("%q (window %+v): %s, want from day %d of %d/%d to day %d of %d/%d", p.ID, w, p.WindowVN(),
					w.FromDay, start.Month, start.Year, w.ToDay, last.Month, last.Year)
			}
			if !strings.HasPrefix(p.Label, k.Title+" ") || !strings.HasSuffix(p.Label, strconv.Itoa(y)) {
				t.Fatalf("%q: label %q", p.ID, p.Label)
			}
			if p.Due.Before(p.NominalDue) || !shift && p.Due != p.NominalDue || shift && !cal.Work.IsWorkingDay(p.Due) {
				t.Fatalf("%q: due %s, nominal %s", p.ID, p.Due, p.NominalDue)
			}
			if !p.Deadline.Equal(p.Due.AddDays(1).In(hcm).Add(-time.Nanosecond)) || !p.IsOpen(p.Deadline) || p.IsOpen(p.Closes) ||
				p.Opens.After(p.Due.AddDays(-k.OpenDays).In(hcm)) {
				t.Fatalf("%q: open %s – %s, deadline %s", p.ID, p.Opens, p.Closes, p.Deadline)
			}
			if byID, err := cal.Period(p.ID); y >= 1900 && (err != nil || byID != p) {
				t.Fatalf("Periods lists %+v, Period(%q) = %+v, %v", p, p.ID, byID, err)
			}
		}
		for _, k := range cal.Kinds {
			if got[k.ID] != want[k.ID] {
				t.Fatalf("Periods(%s, %s): %d periods of %s, want %d", from, to, got[k.ID], k.ID, want[k.ID])
			}
		}
	})
}

// FuzzPeriodID: whatever follows a kind's id, Period either refuses it as
// ENOTFOUND or returns the period whose id is exactly the one asked for
// (so every accepted id is canonical and round-trips), and that period is
// the one the kind lists on its due day.
func FuzzPeriodID(f *testing.F) {
	for _, s := range []string{"2024-Q1", "2024-Q4", "2023-Q4", "2024-Q2", "2024-Q5", "2024-Q0", "2024-q1", "2024-Q01", "2024-Q+1",
		"1899-Q4", "1900-Q1", "9999-Q4", "02024-Q1", "+2024-Q1", "2024-H1", "2024-H2", "2024-H3", "2024-9T", "2024-9t", "2024",
		"2025", "1899", "2024-02", "2024-2", "0000-01", "9999-12", "", "-", "2024-", "-Q1", "2024-Q1-Q1", "2024-Q1\x00", "２０２４-Q1"} {
		for i := range 11 {
			f.Add(uint8(i), s)
		}
	}
	cal := kindsCalendar()
	f.Fuzz(func(t *testing.T, which uint8, key string) {
		k := cal.Kinds[int(which)%len(cal.Kinds)]
		id := k.ID + "/" + key
		p, err := cal.Period(id)
		if err != nil {
			if cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND || p != (cchcbot.Period{}) {
				t.Fatalf("Period(%q) = %+v, %v; want ENOTFOUND", id, p, err)
			}
			return
		}
		if p.ID != id || p.KindID != k.ID {
			t.Fatalf("Period(%q) = %q of kind %q", id, p.ID, p.KindID)
		}
		if listed := cal.PeriodsOf(k, p.NominalDue, p.NominalDue); len(listed) != 1 || listed[0] != p {
			t.Fatalf("Period(%q) = %+v, but the kind lists on %s: %+v", id, p, p.NominalDue, listed)
		}
	})
}
