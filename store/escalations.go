package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// bucketEscalations holds the rungs of the ladder each unit was taken up:
// period \0 unit \0 level → Escalation. The key is the escalation's
// identity, so recording one is a check and a put in one commit.
var bucketEscalations = []byte("escalations")

// Escalate records those of es not recorded yet, by identity (period,
// unit, level), and queues the messages out makes from them, in one
// commit; it returns the ones it recorded, with At stamped (now) where
// empty. An identity recorded before, or twice in es, is skipped: two
// sweeps racing, or a sweep after a restart, tell the head and the leaders
// once. When nothing is fresh, nothing is written and out is not called.
// out runs inside the write transaction, so it must only build messages,
// and may be nil.
func (db *DB) Escalate(ctx context.Context, es []cchcbot.Escalation, out func(fresh []cchcbot.Escalation) []*cchcbot.Outgoing) ([]cchcbot.Escalation, error) {
	now := db.now()
	next := make([]cchcbot.Escalation, len(es))
	for i, e := range es {
		// Escalations are made by the scheduler, not typed: a bad one is a
		// fault of ours.
		if !validKeyPart(e.PeriodID) || !validKeyPart(e.UnitCode) || ladderRung(e.Level) < 0 {
			return nil, fmt.Errorf("escalate: invalid escalation %q %q %q", e.PeriodID, e.UnitCode, e.Level)
		}
		e.To = slices.Clone(e.To)
		if e.At.IsZero() {
			e.At = now
		}
		next[i] = e
	}
	var fresh []cchcbot.Escalation
	var done []queued
	err := db.update(ctx, "escalate", func(tx *bolt.Tx) error {
		fresh = nil
		b := tx.Bucket(bucketEscalations)
		for _, e := range next {
			k := escalationKey(e)
			if b.Get(k) != nil { // also a duplicate earlier in es
				continue
			}
			if err := put(b, k, e); err != nil {
				return err
			}
			detail := fmt.Sprintf("%s, chậm %d ngày", e.Level.Label(), e.DaysLate)
			if len(e.To) > 0 {
				detail += ", gửi " + strings.Join(e.To, ", ")
			}
			if err := appendAudit(tx, cchcbot.AuditEntry{At: e.At, Actor: "system", Action: "escalate",
				Subject: e.PeriodID + " " + e.UnitCode, Detail: detail}); err != nil {
				return err
			}
			fresh = append(fresh, e)
		}
		if len(fresh) == 0 {
			return errNoChange
		}
		if out == nil {
			return nil
		}
		c := slices.Clone(fresh)
		for i := range c {
			c[i].To = slices.Clone(c[i].To)
		}
		var err error
		done, err = db.enqueue(tx, now, out(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	settle(done)
	return fresh, nil
}

// ladderRung is a level's place on the ladder, -1 for no level.
func ladderRung(l cchcbot.EscalationLevel) int {
	switch l {
	case cchcbot.EscalateHead:
		return 0
	case cchcbot.EscalateLeaders:
		return 1
	}
	return -1
}

func escalationKey(e cchcbot.Escalation) []byte {
	return joinKey(e.PeriodID, e.UnitCode, string(e.Level))
}
