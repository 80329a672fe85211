package store

import (
	"cmp"
	"context"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// SyncUnits makes the stored units match the config in one transaction.
func (db *DB) SyncUnits(ctx context.Context, units []cchcbot.Unit, now time.Time) (cchcbot.SyncResult, error) {
	now = db.stamp(now)
	var res cchcbot.SyncResult
	err := db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUnits)
		want := map[string]bool{}
		for _, u := range units {
			want[u.Code] = true
			var old cchcbot.Unit
			found, err := get(b, []byte(u.Code), &old)
			if err != nil {
				return err
			}
			switch {
			case !found:
				u.CreatedAt, u.UpdatedAt = now, now
				res.Added = append(res.Added, u.Code)
			case old.Retired:
				u.CreatedAt, u.UpdatedAt = old.CreatedAt, now
				res.Revived = append(res.Revived, u.Code)
			case old.Name != u.Name || old.Group != u.Group || old.HeadTitle != u.HeadTitle || old.Order != u.Order:
				u.CreatedAt, u.UpdatedAt = old.CreatedAt, now
				res.Updated = append(res.Updated, u.Code)
			default:
				continue
			}
			u.Retired, u.RetiredAt = false, time.Time{}
			if err := put(b, []byte(u.Code), u); err != nil {
				return err
			}
		}
		var retire []cchcbot.Unit
		if err := b.ForEach(func(k, v []byte) error {
			if want[string(k)] {
				return nil
			}
			var u cchcbot.Unit
			if _, err := get(b, k, &u); err != nil {
				return err
			}
			if !u.Retired {
				retire = append(retire, u)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, u := range retire {
			u.Retired, u.RetiredAt, u.UpdatedAt = true, now, now
			if err := put(b, []byte(u.Code), u); err != nil {
				return err
			}
			res.Retired = append(res.Retired, u.Code)
		}
		for action, codes := range map[string][]string{"unit.add": res.Added, "unit.update": res.Updated, "unit.retire": res.Retired, "unit.revive": res.Revived} {
			for _, c := range codes {
				if err := appendAudit(tx, cchcbot.AuditEntry{At: now, Actor: "system", Action: action, Subject: c}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return res, err
}

// Units returns every unit, retired ones too, in config order.
func (db *DB) Units(ctx context.Context) ([]cchcbot.Unit, error) {
	var out []cchcbot.Unit
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUnits).ForEach(func(k, v []byte) error {
			var u cchcbot.Unit
			if _, err := get(tx.Bucket(bucketUnits), k, &u); err != nil {
				return err
			}
			out = append(out, u)
			return nil
		})
	})
	slices.SortStableFunc(out, func(a, b cchcbot.Unit) int { return cmp.Or(cmp.Compare(a.Order, b.Order), cmp.Compare(a.Code, b.Code)) })
	return out, err
}

// Unit returns one unit by code.
func (db *DB) Unit(ctx context.Context, code string) (cchcbot.Unit, error) {
	var u cchcbot.Unit
	err := db.view(ctx, func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketUnits), []byte(code), &u)
		if err == nil && !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có đơn vị mã %q.", code)
		}
		return err
	})
	return u, err
}

// Member returns the member with the given user id.
func (db *DB) Member(ctx context.Context, user cchcbot.UserID) (cchcbot.Member, error) {
	var m cchcbot.Member
	err := db.view(ctx, func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketMembers), []byte(user), &m)
		if err == nil && !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Người dùng chưa là thành viên của đơn vị nào.")
		}
		return err
	})
	return m, err
}

// Members returns the members of a unit ("" for all), by unit then by
// joining time.
func (db *DB) Members(ctx context.Context, unitCode string) ([]cchcbot.Member, error) {
	var out []cchcbot.Member
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMembers)
		return b.ForEach(func(k, v []byte) error {
			var m cchcbot.Member
			if _, err := get(b, k, &m); err != nil {
				return err
			}
			if unitCode == "" || m.UnitCode == unitCode {
				out = append(out, m)
			}
			return nil
		})
	})
	slices.SortStableFunc(out, func(a, b cchcbot.Member) int {
		return cmp.Or(cmp.Compare(a.UnitCode, b.UnitCode), a.JoinedAt.Compare(b.JoinedAt))
	})
	return out, err
}

// RemoveMember unbinds a member from their unit.
func (db *DB) RemoveMember(ctx context.Context, user cchcbot.UserID, by string, now time.Time) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMembers)
		var m cchcbot.Member
		if found, err := get(b, []byte(user), &m); err != nil {
			return err
		} else if !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có thành viên %s.", user.Local())
		}
		if err := b.Delete([]byte(user)); err != nil {
			return err
		}
		return appendAudit(tx, cchcbot.AuditEntry{At: db.stamp(now), Actor: by, Action: "member.remove", Subject: string(user), Detail: m.UnitCode})
	})
}

// SetReachable records whether messages to a member get through.
func (db *DB) SetReachable(ctx context.Context, user cchcbot.UserID, reachable bool, reason string, now time.Time) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMembers)
		var m cchcbot.Member
		if found, err := get(b, []byte(user), &m); err != nil || !found {
			return err // not a member (an admin, say): nothing to record
		}
		if m.Unreachable == !reachable {
			return nil
		}
		m.Unreachable = !reachable
		m.UnreachableAt, m.UnreachableReason = time.Time{}, ""
		action := "member.reachable"
		if !reachable {
			m.UnreachableAt, m.UnreachableReason = db.stamp(now), reason
			action = "member.unreachable"
		}
		if err := put(b, []byte(user), m); err != nil {
			return err
		}
		return appendAudit(tx, cchcbot.AuditEntry{At: db.stamp(now), Actor: "system", Action: action, Subject: string(user), Detail: reason})
	})
}

// SyncAdmins makes the config's admins match: listed ones are added or
// renamed, config admins no longer listed are removed; admins made by an
// invite stay.
func (db *DB) SyncAdmins(ctx context.Context, admins []cchcbot.Admin, now time.Time) error {
	now = db.stamp(now)
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAdmins)
		want := map[cchcbot.UserID]bool{}
		for _, a := range admins {
			want[a.User] = true
			var old cchcbot.Admin
			found, err := get(b, []byte(a.User), &old)
			if err != nil {
				return err
			}
			a.FromConfig, a.AddedAt = true, now
			if found {
				a.AddedAt = old.AddedAt
			}
			if err := put(b, []byte(a.User), a); err != nil {
				return err
			}
		}
		var drop [][]byte
		if err := b.ForEach(func(k, v []byte) error {
			var a cchcbot.Admin
			if _, err := get(b, k, &a); err != nil {
				return err
			}
			if a.FromConfig && !want[a.User] {
				drop = append(drop, append([]byte(nil), k...))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range drop {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddAdmin makes a person an admin.
func (db *DB) AddAdmin(ctx context.Context, a cchcbot.Admin) error {
	return db.update(ctx, func(tx *bolt.Tx) error { return addAdmin(tx, a, db.stamp(a.AddedAt)) })
}

func addAdmin(tx *bolt.Tx, a cchcbot.Admin, now time.Time) error {
	a.AddedAt = now
	if err := put(tx.Bucket(bucketAdmins), []byte(a.User), a); err != nil {
		return err
	}
	return appendAudit(tx, cchcbot.AuditEntry{At: now, Actor: "system", Action: "admin.add", Subject: string(a.User), Detail: a.Name})
}

// RemoveAdmin removes an admin.
func (db *DB) RemoveAdmin(ctx context.Context, user cchcbot.UserID) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bucketAdmins).Get([]byte(user)) == nil {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có cán bộ quản trị %s.", user.Local())
		}
		return tx.Bucket(bucketAdmins).Delete([]byte(user))
	})
}

// Admin returns an admin by user id.
func (db *DB) Admin(ctx context.Context, user cchcbot.UserID) (cchcbot.Admin, error) {
	var a cchcbot.Admin
	err := db.view(ctx, func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketAdmins), []byte(user), &a)
		if err == nil && !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không phải cán bộ quản trị.")
		}
		return err
	})
	return a, err
}

// Admins returns every admin.
func (db *DB) Admins(ctx context.Context) ([]cchcbot.Admin, error) {
	var out []cchcbot.Admin
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAdmins)
		return b.ForEach(func(k, v []byte) error {
			var a cchcbot.Admin
			if _, err := get(b, k, &a); err != nil {
				return err
			}
			out = append(out, a)
			return nil
		})
	})
	return out, err
}
