package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// SyncUnits makes the stored units match the config, in one transaction:
// new units are added, changed ones updated, missing ones retired (their
// history stays) and retired ones that come back revived. Each change gets
// an audit entry by "system".
func (db *DB) SyncUnits(ctx context.Context, units []cchcbot.Unit, now time.Time) (cchcbot.SyncResult, error) {
	want := map[string]bool{}
	for _, u := range units {
		if !validKeyPart(u.Code) {
			return cchcbot.SyncResult{}, cchcbot.Errorf(cchcbot.EINVALID, "Mã đơn vị %q không hợp lệ.", u.Code)
		}
		if want[u.Code] {
			return cchcbot.SyncResult{}, cchcbot.Errorf(cchcbot.EINVALID, "Mã đơn vị %q xuất hiện hai lần trong danh sách đơn vị.", u.Code)
		}
		want[u.Code] = true
	}
	now = db.stamp(now)
	var res cchcbot.SyncResult
	err := db.update(ctx, "sync units", func(tx *bolt.Tx) error {
		db.cache.units.changedBy(tx)
		db.cache.members.changedBy(tx)
		res = cchcbot.SyncResult{}
		b := tx.Bucket(bucketUnits)
		var log []cchcbot.AuditEntry
		note := func(action, code, detail string) {
			log = append(log, cchcbot.AuditEntry{At: now, Actor: "system", Action: action, Subject: code, Detail: detail})
		}
		for _, u := range units {
			var old cchcbot.Unit
			found, err := get(b, []byte(u.Code), &old)
			if err != nil {
				return err
			}
			switch changes := unitChanges(old, u); {
			case !found:
				u.CreatedAt = now
				res.Added = append(res.Added, u.Code)
				note("unit.add", u.Code, u.Name)
			case old.Retired:
				u.CreatedAt = old.CreatedAt
				res.Revived = append(res.Revived, u.Code)
				note("unit.revive", u.Code, changes)
			case changes != "":
				u.CreatedAt = old.CreatedAt
				res.Updated = append(res.Updated, u.Code)
				note("unit.update", u.Code, changes)
			default:
				continue
			}
			u.Retired, u.RetiredAt, u.UpdatedAt = false, time.Time{}, now
			if err := put(b, []byte(u.Code), u); err != nil {
				return err
			}
		}

		var retire []cchcbot.Unit
		if err := eachRecord(b, nil, func(k []byte, u cchcbot.Unit) error {
			if !want[string(k)] && !u.Retired {
				retire = append(retire, u)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, u := range retire { // after the walk: a Put may move its cursor
			u.Retired, u.RetiredAt, u.UpdatedAt = true, now, now
			if err := put(b, []byte(u.Code), u); err != nil {
				return err
			}
			res.Retired = append(res.Retired, u.Code)
			note("unit.retire", u.Code, u.Name)
		}

		if len(log) == 0 {
			return errNoChange
		}
		for _, e := range log {
			if err := appendAudit(tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return cchcbot.SyncResult{}, err
	}
	return res, nil
}

// unitChanges describes, for the audit log, what the config changed.
func unitChanges(old, u cchcbot.Unit) string {
	var c []string
	if old.Name != u.Name {
		c = append(c, fmt.Sprintf("tên: %q → %q", old.Name, u.Name))
	}
	if old.Group != u.Group {
		c = append(c, fmt.Sprintf("nhóm: %s → %s", old.Group, u.Group))
	}
	if old.HeadTitle != u.HeadTitle {
		c = append(c, fmt.Sprintf("chức danh người đứng đầu: %q → %q", old.HeadTitle, u.HeadTitle))
	}
	if old.Order != u.Order {
		c = append(c, fmt.Sprintf("thứ tự: %d → %d", old.Order, u.Order))
	}
	return strings.Join(c, "; ")
}

// Units returns every unit, retired ones too, in config order.
func (db *DB) Units(ctx context.Context) ([]cchcbot.Unit, error) {
	us, err := db.cache.unitList.get(&db.cache.units, func() ([]cchcbot.Unit, error) { return db.loadUnits(ctx) })
	return slices.Clone(us), err
}

func (db *DB) loadUnits(ctx context.Context) ([]cchcbot.Unit, error) {
	var out []cchcbot.Unit
	err := db.view(ctx, "units", func(tx *bolt.Tx) (err error) {
		out, err = allRecords[cchcbot.Unit](tx.Bucket(bucketUnits), nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b cchcbot.Unit) int {
		return cmp.Or(cmp.Compare(a.Order, b.Order), cmp.Compare(a.Code, b.Code))
	})
	return out, nil
}

// Unit returns one unit by code, retired or not; ENOTFOUND if there is none.
func (db *DB) Unit(ctx context.Context, code string) (cchcbot.Unit, error) {
	var u cchcbot.Unit
	err := db.view(ctx, "unit", func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketUnits), []byte(code), &u)
		if err == nil && !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có đơn vị mã %q.", code)
		}
		return err
	})
	return u, err
}
