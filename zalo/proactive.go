package zalo

import (
	"context"
	"time"

	"cchcbot"
)

// ReplyWindow is how long after a person's last message the OA may answer
// them free; a message outside it is a proactive one, counted against the
// OA's quota and billed (docs/ZALO.md §6).
const ReplyWindow = 48 * time.Hour

// windowMargin makes a message count as proactive a little before the
// window closes: the store's last-seen time is when the bot accepted the
// person's event, a moment after Zalo saw it.
const windowMargin = 10 * time.Minute

// ProactiveStore is what counting proactive messages needs of the store.
type ProactiveStore interface {
	// LastSeen returns when the person last wrote to the bot, zero if
	// never.
	LastSeen(ctx context.Context, user cchcbot.UserID) (time.Time, error)
	// AddProactive adds n to the month's count and returns the total.
	AddProactive(ctx context.Context, channel, month string, n int) (int, error)
}

// Proactive is the Zalo channel with its proactive messages counted: every
// message delivered outside the person's reply window adds one to the
// month's count in the store (months in the office's zone), and Warn is
// told when the count first reaches 80 % of Quota, so that the admins hear
// of it before Zalo starts refusing reminders.
type Proactive struct {
	cchcbot.Channel // the Zalo adapter
	Store           ProactiveStore
	Clock           cchcbot.Clock
	Location        *time.Location
	Quota           int // proactive messages a month; 0 warns never
	Warn            func(ctx context.Context, month string, count, quota int)
}

// WarnPercent is the share of the month's quota at which Warn is told.
const WarnPercent = 80

// outside reports whether a message to u now would be proactive. A store
// error counts it as proactive: better a warning too early than none.
func (p *Proactive) outside(ctx context.Context, u cchcbot.UserID) bool {
	seen, err := p.Store.LastSeen(ctx, u)
	return err != nil || p.Clock.Now().Sub(seen) > ReplyWindow-windowMargin
}

// count records one proactive message delivered.
func (p *Proactive) count(ctx context.Context) {
	month := p.Clock.Now().In(p.Location).Format("2006-01")
	total, err := p.Store.AddProactive(context.WithoutCancel(ctx), cchcbot.ChannelZalo, month, 1)
	if err != nil || p.Quota <= 0 || p.Warn == nil {
		return
	}
	if threshold := (p.Quota*WarnPercent + 99) / 100; total == threshold {
		p.Warn(ctx, month, total, p.Quota)
	}
}

// Send sends m and counts it if it was proactive.
func (p *Proactive) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	proactive := p.outside(ctx, m.To)
	ref, err := p.Channel.Send(ctx, m)
	if err == nil && proactive {
		p.count(ctx)
	}
	return ref, err
}

// Edit counts like Send: Zalo cannot edit, the adapter sends anew.
func (p *Proactive) Edit(ctx context.Context, ref cchcbot.MessageRef, text string, buttons [][]cchcbot.Button) error {
	proactive := p.outside(ctx, ref.To)
	err := p.Channel.Edit(ctx, ref, text, buttons)
	if err == nil && proactive {
		p.count(ctx)
	}
	return err
}

// SendDocument counts like Send.
func (p *Proactive) SendDocument(ctx context.Context, d cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	proactive := p.outside(ctx, d.To)
	ref, err := p.Channel.SendDocument(ctx, d)
	if err == nil && proactive {
		p.count(ctx)
	}
	return ref, err
}
