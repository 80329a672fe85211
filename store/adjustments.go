package store

import (
	"context"
	"slices"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// maxReason bounds what a person types as a reason, a note or an
// explanation: a few sentences, which every notice and export cell
// repeats.
const maxReason = 1000

// checkText refuses a text of more than limit characters; what names it
// for the person ("Lý do xin gia hạn").
func checkText(s, what string, limit int) error {
	if n := utf8.RuneCountInString(s); n > limit {
		return cchcbot.Errorf(cchcbot.EINVALID, "%s dài %d ký tự, vượt quá giới hạn %d ký tự. Xin viết ngắn gọn hơn.", what, n, limit)
	}
	return nil
}

// Adjustments returns every decision on one period beyond its submissions,
// by unit code, read in one transaction so that they agree: for each
// unit the extension that governs its deadline (the latest approved one,
// else the latest in any state), its exemption, its explanations oldest
// first and its escalations in ladder order. The maps are never nil.
func (db *DB) Adjustments(ctx context.Context, periodID string) (cchcbot.Adjustments, error) {
	return db.adjustments(ctx, joinKey(periodID, ""), "")
}

// UnitAdjustments is Adjustments for one unit of a period. The outbox's
// sender asks it of every reminder it is about to send (has the unit been
// exempted, or given more time?), so it reads that unit's records only,
// not the whole period's, on a 10,000-unit fan-out.
func (db *DB) UnitAdjustments(ctx context.Context, periodID, unitCode string) (cchcbot.Adjustments, error) {
	// Keys run period, unit, ...: the prefix also takes a longer code
	// that starts with this one ("xa-a", "xa-ab"), which the filter drops.
	return db.adjustments(ctx, joinKey(periodID, unitCode), unitCode)
}

// adjustments reads the records under prefix, of unit alone when it is
// not "".
func (db *DB) adjustments(ctx context.Context, prefix []byte, unit string) (cchcbot.Adjustments, error) {
	other := func(code string) bool { return unit != "" && code != unit }
	adj := cchcbot.Adjustments{
		Extensions:   map[string]*cchcbot.Extension{},
		Exemptions:   map[string]*cchcbot.Exemption{},
		Explanations: map[string][]cchcbot.Explanation{},
		Escalations:  map[string][]cchcbot.Escalation{},
	}
	err := db.view(ctx, "adjustments", func(tx *bolt.Tx) error {
		exts, err := scanExtensions(tx, bucketExtByPU, prefix)
		if err != nil {
			return err
		}
		byUnit := map[string][]*cchcbot.Extension{}
		for _, e := range exts { // by unit, then id
			if other(e.UnitCode) {
				continue
			}
			byUnit[e.UnitCode] = append(byUnit[e.UnitCode], e)
		}
		for code, es := range byUnit {
			adj.Extensions[code] = governing(es)
		}

		if err := eachRecord(tx.Bucket(bucketExemptions), prefix, func(_ []byte, x cchcbot.Exemption) error {
			if other(x.UnitCode) {
				return nil
			}
			adj.Exemptions[x.UnitCode] = &x
			return nil
		}); err != nil {
			return err
		}
		if err := eachRecord(tx.Bucket(bucketExplanations), prefix, func(_ []byte, x cchcbot.Explanation) error {
			if other(x.UnitCode) {
				return nil
			}
			adj.Explanations[x.UnitCode] = append(adj.Explanations[x.UnitCode], x)
			return nil
		}); err != nil {
			return err
		}
		return eachRecord(tx.Bucket(bucketEscalations), prefix, func(_ []byte, e cchcbot.Escalation) error {
			if other(e.UnitCode) {
				return nil
			}
			adj.Escalations[e.UnitCode] = append(adj.Escalations[e.UnitCode], e)
			return nil
		})
	})
	if err != nil {
		return cchcbot.Adjustments{}, err
	}
	for _, es := range adj.Escalations {
		slices.SortFunc(es, func(a, b cchcbot.Escalation) int { return ladderRung(a.Level) - ladderRung(b.Level) })
	}
	return adj, nil
}
