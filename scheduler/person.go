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
