package store

import (
	"context"

	"cchcbot"
)

// PeriodStatus is the standing of every unit that owes p, a period of kind
// k, from what the store knows: the units, each one's latest version, the
// members who can be reached, the reminders sent and acknowledged, the
// networks whose quota refused one, and the period's decisions
// (extensions, exemptions, explanations, escalations). The chat's /status,
// the digest and the command line all read it here.
func (db *DB) PeriodStatus(ctx context.Context, k cchcbot.ReportKind, p cchcbot.Period) (cchcbot.PeriodStatus, error) {
	units, err := db.Units(ctx)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	latest, err := db.LatestSubmissions(ctx, p.ID)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	members, err := db.MemberCounts(ctx)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	counts, err := db.ReminderCounts(ctx, p.ID)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	refused, err := db.QuotaRefused(ctx, p.ID)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	adj, err := db.Adjustments(ctx, p.ID)
	if err != nil {
		return cchcbot.PeriodStatus{}, err
	}
	ps := cchcbot.ComputeStatusCounts(k, p, units, latest, members, counts)
	ps.Apply(adj)
	ps.MarkQuotaRefused(refused)
	return ps, nil
}
