package cchcbot

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// UnitStatus is one unit's standing for one period: what /status, the
// digest, the CLI and the exports all show.
type UnitStatus struct {
	Unit        Unit
	State       UnitState
	Latest      *Submission // nil when nothing was submitted
	Members     int         // members bound in chat
	Reachable   int         // of them, not known to have blocked the bot
	RemindSent  int         // reminder messages sent for the period
	RemindAcked int         // of them, acknowledged with "Đã nhận"
	// QuotaRefused names the networks whose quota kept a reminder of the
	// period from the unit (Zalo's proactive messages): "zalo".
	QuotaRefused []string

	// The period's decisions on the unit (Apply): its latest extension in
	// any state, its exemption, its explanations and escalations.
	Extension    *Extension
	Exemption    *Exemption
	Explanations []Explanation
	Escalations  []Escalation
}

// Apply adds a's decisions to ps. A unit with an extension has its latest
// version judged against its own deadline (an extension granted after a
// late report makes it on time; one withdrawn makes it late again); a unit
// exempt from the period that owes nothing more is UnitExempt.
func (ps *PeriodStatus) Apply(a Adjustments) {
	for i := range ps.Units {
		u := &ps.Units[i]
		code := u.Unit.Code
		u.Extension, u.Exemption = a.Extensions[code], a.Exemptions[code]
		u.Explanations, u.Escalations = a.Explanations[code], a.Escalations[code]
		if u.Extension != nil && u.Latest != nil && !ps.Period.Deadline.IsZero() {
			p := ps.Period.ForUnit(u.Extension)
			if n := p.DaysLate(u.Latest.SubmittedAt); n != u.Latest.DaysLate {
				l := *u.Latest // shared with the caller's map: never changed in place
				l.DaysLate = n
				u.Latest = &l
			}
			u.State = StateOf(u.Latest)
		}
		if u.Exemption != nil && !u.State.Done() {
			u.State = UnitExempt
		}
	}
}

// Due returns the unit's own due day for the period: its extension's when
// one is approved.
func (s UnitStatus) Due(p Period) Date { return p.ForUnit(s.Extension).Due }

// QuotaNote says in Vietnamese which networks' quota kept reminders from
// the unit: "không nhắc được qua Zalo: hết hạn mức"; "" when none.
func (s UnitStatus) QuotaNote() string {
	if len(s.QuotaRefused) == 0 {
		return ""
	}
	names := make([]string, len(s.QuotaRefused))
	for i, c := range s.QuotaRefused {
		switch c {
		case ChannelZalo:
			names[i] = "Zalo"
		case ChannelTelegram:
			names[i] = "Telegram"
		default:
			names[i] = c
		}
	}
	return "không nhắc được qua " + strings.Join(names, ", ") + ": hết hạn mức"
}

// MarkQuotaRefused fills QuotaRefused from refused, networks by unit code.
func (ps *PeriodStatus) MarkQuotaRefused(refused map[string][]string) {
	for i := range ps.Units {
		ps.Units[i].QuotaRefused = refused[ps.Units[i].Unit.Code]
	}
}

// Unreachable reports whether no member of the unit can be messaged
// ("không liên lạc được"): it has members but all of them blocked the bot.
func (s UnitStatus) Unreachable() bool { return s.Members > 0 && s.Reachable == 0 }

// PeriodStatus is the standing of every unit that owes a period.
type PeriodStatus struct {
	Period Period
	Units  []UnitStatus // grouped by UnitGroups order, then by name
}

// Counts tallies a period's units by state.
type Counts struct {
	Owed, OnTime, Late, Missing, Returned, Unreachable int
	// Exempt units are not in Owed; Extended ones (an approved extension)
	// are, judged against their own deadline.
	Exempt, Extended int
}

// Submitted is how many units have a standing submission.
func (c Counts) Submitted() int { return c.OnTime + c.Late }

// Counts tallies ps.
func (ps PeriodStatus) Counts() Counts {
	var c Counts
	for _, u := range ps.Units {
		if u.State == UnitExempt {
			c.Exempt++
			continue
		}
		c.Owed++
		if u.Extension.Approved() {
			c.Extended++
		}
		switch u.State {
		case UnitOnTime:
			c.OnTime++
		case UnitLate:
			c.Late++
		case UnitMissing:
			c.Missing++
		case UnitReturned:
			c.Returned++
		}
		if u.Unreachable() {
			c.Unreachable++
		}
	}
	return c
}

// Pending returns the units that still owe the period: missing or returned.
func (ps PeriodStatus) Pending() []UnitStatus {
	var out []UnitStatus
	for _, u := range ps.Units {
		if !u.State.Done() {
			out = append(out, u)
		}
	}
	return out
}

// ReminderCount is how many reminder messages of a period a unit was sent,
// and how many of them its members acknowledged.
type ReminderCount struct {
	Sent, Acked int
}

// Add counts r's contribution (sent, and acknowledged) into c with the
// given sign: +1 to count a record, -1 to take back its previous state.
func (c *ReminderCount) Add(r Reminder, sign int) {
	if r.State != ReminderSent {
		return
	}
	c.Sent += sign
	if r.Acked() {
		c.Acked += sign
	}
}

// CountReminders tallies a period's reminder log by unit.
func CountReminders(periodID string, reminders []Reminder) map[string]ReminderCount {
	out := map[string]ReminderCount{}
	for _, r := range reminders {
		if r.PeriodID != periodID || r.State != ReminderSent {
			continue
		}
		c := out[r.UnitCode]
		c.Add(r, 1)
		out[r.UnitCode] = c
	}
	return out
}

// ComputeStatus builds the standing of a period from stored facts. Units
// that do not owe the period's kind are left out; so are retired units,
// unless they submitted.
func ComputeStatus(k ReportKind, p Period, units []Unit, latest map[string]*Submission, members []Member, reminders []Reminder) PeriodStatus {
	return ComputeStatusCounts(k, p, units, latest, CountMembers(members), CountReminders(p.ID, reminders))
}

// MemberCount is how many members speak for a unit, and how many of them
// the bot can still reach.
type MemberCount struct {
	Members, Reachable int
}

// CountMembers tallies members by unit.
func CountMembers(members []Member) map[string]MemberCount {
	by := map[string]MemberCount{}
	for _, m := range members {
		t := by[m.UnitCode]
		t.Members++
		if !m.Unreachable {
			t.Reachable++
		}
		by[m.UnitCode] = t
	}
	return by
}

// ComputeStatusCounts is ComputeStatus from the tallies the store keeps,
// so a status page of a province's 30,000 members and 100,000 reminders
// reads neither back to count them.
func ComputeStatusCounts(k ReportKind, p Period, units []Unit, latest map[string]*Submission, members map[string]MemberCount, counts map[string]ReminderCount) PeriodStatus {
	ps := PeriodStatus{Period: p}
	ps.Units = make([]UnitStatus, 0, len(units))
	for _, u := range units {
		l := latest[u.Code]
		owes := k.names(u) && (!u.Retired || l != nil)
		if !owes {
			continue
		}
		t, c := members[u.Code], counts[u.Code]
		ps.Units = append(ps.Units, UnitStatus{
			Unit: u, State: StateOf(l), Latest: l,
			Members: t.Members, Reachable: t.Reachable,
			RemindSent: c.Sent, RemindAcked: c.Acked,
		})
	}
	SortUnitStatuses(ps.Units)
	return ps
}

// SortUnitStatuses orders statuses by group, then in the order the config
// lists the units (the office's own order). Exports re-sort by Vietnamese
// collation of names.
func SortUnitStatuses(us []UnitStatus) {
	slices.SortStableFunc(us, func(a, b UnitStatus) int {
		return cmp.Or(cmp.Compare(a.Unit.Group.Rank(), b.Unit.Group.Rank()), cmp.Compare(a.Unit.Order, b.Unit.Order), cmp.Compare(a.Unit.Code, b.Unit.Code))
	})
}

// Rank is g's place in UnitGroups, the order every list follows; an
// unknown group comes last.
func (g UnitGroup) Rank() int {
	if i := slices.Index(UnitGroups, g); i >= 0 {
		return i
	}
	return len(UnitGroups)
}

// Since returns a short Vietnamese phrase for how late or early t is
// against p's deadline, for receipts: "đúng hạn" or "trễ 3 ngày".
func (p Period) Since(t time.Time) string {
	if n := p.DaysLate(t); n > 0 {
		return "trễ " + strconv.Itoa(n) + " ngày"
	}
	return "đúng hạn"
}
