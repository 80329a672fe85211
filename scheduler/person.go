package scheduler

import (
	"context"
	"time"

	"cchcbot"
)

// replyWindow is how long after a person's last message Zalo lets the
// bot answer them free (docs/ZALO.md §6); a reminder then costs nothing.
const replyWindow = 47 * time.Hour // an hour's margin under Zalo's 48

// onePerPerson keeps one account per person among a unit's reachable
// members, in their order: a person who linked a Telegram and a Zalo
// account is reminded once. Their Zalo account is taken while its reply
// window is open (the message is free), else Telegram (free, no quota),
// else Zalo.
func (s *Scheduler) onePerPerson(ctx context.Context, members []cchcbot.Member, now time.Time) ([]cchcbot.Member, error) {
	byPerson := map[cchcbot.UserID][]cchcbot.Member{}
	linked := false
	for _, m := range members {
		p := m.PersonKey()
		byPerson[p] = append(byPerson[p], m)
		linked = linked || len(byPerson[p]) > 1
	}
	if !linked {
		return members, nil
	}
	var out []cchcbot.Member
	done := map[cchcbot.UserID]bool{}
	for _, m := range members {
		p := m.PersonKey()
		if done[p] {
			continue
		}
		done[p] = true
		best, err := s.preferred(ctx, byPerson[p], now)
		if err != nil {
			return nil, err
		}
		out = append(out, best)
	}
	return out, nil
}

// preferred picks the account of one person to remind.
func (s *Scheduler) preferred(ctx context.Context, accounts []cchcbot.Member, now time.Time) (cchcbot.Member, error) {
	if len(accounts) == 1 {
		return accounts[0], nil
	}
	var telegram, zalo *cchcbot.Member
	for i := range accounts {
		a := &accounts[i]
		switch a.User.Channel() {
		case cchcbot.ChannelZalo:
			seen, err := s.Store.LastSeen(ctx, a.User)
			if err != nil {
				return cchcbot.Member{}, err
			}
			if now.Sub(seen) < replyWindow {
				return *a, nil
			}
			if zalo == nil {
				zalo = a
			}
		case cchcbot.ChannelTelegram:
			if telegram == nil {
				telegram = a
			}
		}
	}
	switch {
	case telegram != nil:
		return *telegram, nil
	case zalo != nil:
		return *zalo, nil
	}
	return accounts[0], nil
}

// Reroute sends a reminder the network refused (Zalo's quota of proactive
// messages, a person outside Zalo's interaction window or who blocked the
// bot) to the same person's account on another network, with buttons
// signed for that account, and reports whether it did. A person without
// another reachable account is not rerouted.
func (s *Scheduler) Reroute(ctx context.Context, o *cchcbot.Outgoing) (bool, error) {
	if o.Reminder == nil {
		return false, nil
	}
	r := *o.Reminder
	members, err := s.Store.Members(ctx, r.UnitCode)
	if err != nil {
		return false, err
	}
	person := r.Member
	for _, m := range members {
		if m.User == r.Member {
			person = m.PersonKey()
		}
	}
	now := s.Clock.Now()
	for _, m := range members {
		if m.User == r.Member || m.Unreachable || m.PersonKey() != person || m.User.Channel() == r.Member.Channel() || !s.speaks(m.User) {
			continue
		}
		rem := cchcbot.Reminder{PeriodID: r.PeriodID, UnitCode: r.UnitCode, Step: r.Step, Member: m.User, PlannedAt: now, UpdatedAt: now}
		msg := &cchcbot.Outgoing{Kind: cchcbot.OutReminder, To: m.User, Text: o.Text, Priority: cchcbot.PriorityBulk,
			Buttons: s.buttons(m.User, r.PeriodID, r.Step, s.offers(o, cchcbot.ActionExtend)), ExpiresAt: o.ExpiresAt}
		n, err := s.Store.QueueReminders(ctx, []cchcbot.Reminder{rem}, []*cchcbot.Outgoing{msg})
		if err != nil || n > 0 {
			return n > 0, err
		}
	}
	return false, nil
}

// offers reports whether o carries a button of the given action, signed
// by this scheduler for o.To: a rerouted reminder offers what the
// original did.
func (s *Scheduler) offers(o *cchcbot.Outgoing, action string) bool {
	for _, row := range o.Buttons {
		for _, b := range row {
			if a, _, err := s.Signer.Verify(o.To, b.Data); err == nil && a == action {
				return true
			}
		}
	}
	return false
}
