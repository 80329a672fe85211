package store

import (
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// SyncAdmins makes the config's admins match: listed ones are added (or
// renamed, or marked as from the config), config admins no longer listed
// are removed; admins made by an invite stay.
func (db *DB) SyncAdmins(ctx context.Context, admins []cchcbot.Admin, now time.Time) error {
	now = db.stamp(now)
	return db.update(ctx, "sync admins", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAdmins)
		changed := false
		want := map[cchcbot.UserID]bool{}
		for _, a := range admins {
			if a.User == "" {
				return cchcbot.Errorf(cchcbot.EINVALID, "Cán bộ quản trị %q thiếu mã tài khoản.", a.Name)
			}
			want[a.User] = true
			var old cchcbot.Admin
			found, err := get(b, []byte(a.User), &old)
			if err != nil {
				return err
			}
			if found && old.FromConfig && old.Name == a.Name {
				continue
			}
			a.FromConfig, a.AddedAt = true, now
			if found {
				a.AddedAt = old.AddedAt
			} else if err := appendAudit(tx, cchcbot.AuditEntry{At: now, Actor: "system", Action: "admin.add", Subject: string(a.User), Detail: a.Name}); err != nil {
				return err
			}
			if err := put(b, []byte(a.User), a); err != nil {
				return err
			}
			changed = true
		}

		var drop []cchcbot.Admin
		if err := eachRecord(b, nil, func(_ []byte, a cchcbot.Admin) error {
			if a.FromConfig && !want[a.User] {
				drop = append(drop, a)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, a := range drop { // after the walk: deleting under a cursor skips keys
			if err := b.Delete([]byte(a.User)); err != nil {
				return err
			}
			if err := appendAudit(tx, cchcbot.AuditEntry{At: now, Actor: "system", Action: "admin.remove", Subject: string(a.User), Detail: a.Name}); err != nil {
				return err
			}
			changed = true
		}
		if !changed {
			return errNoChange
		}
		return nil
	})
}

// AddAdmin makes a person an admin, or updates one; AddedAt defaults to now.
func (db *DB) AddAdmin(ctx context.Context, a cchcbot.Admin) error {
	if a.User == "" {
		return cchcbot.Errorf(cchcbot.EINVALID, "Thiếu mã tài khoản của cán bộ quản trị.")
	}
	a.AddedAt = db.stamp(a.AddedAt)
	return db.update(ctx, "add admin", func(tx *bolt.Tx) error { return addAdmin(tx, a) })
}

// addAdmin writes a in tx. An existing admin keeps their first AddedAt,
// and one from the config stays marked so: an admin invite redeemed by a
// config admin must not make SyncAdmins forget where they came from.
func addAdmin(tx *bolt.Tx, a cchcbot.Admin) error {
	b, at := tx.Bucket(bucketAdmins), a.AddedAt
	var old cchcbot.Admin
	found, err := get(b, []byte(a.User), &old)
	if err != nil {
		return err
	}
	action := "admin.add"
	if found {
		a.AddedAt, a.FromConfig = old.AddedAt, a.FromConfig || old.FromConfig
		action = "admin.update"
	}
	if err := put(b, []byte(a.User), a); err != nil {
		return err
	}
	return appendAudit(tx, cchcbot.AuditEntry{At: at, Actor: "system", Action: action, Subject: string(a.User), Detail: a.Name})
}

// RemoveAdmin removes an admin; ENOTFOUND if the person is not one. An
// admin from the config comes back at the next config sync unless the
// config drops them too.
func (db *DB) RemoveAdmin(ctx context.Context, user cchcbot.UserID) error {
	now := db.now()
	return db.update(ctx, "remove admin", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAdmins)
		var a cchcbot.Admin
		if found, err := get(b, []byte(user), &a); err != nil {
			return err
		} else if !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Tài khoản %s không phải cán bộ quản trị.", user.Local())
		}
		if err := b.Delete([]byte(user)); err != nil {
			return err
		}
		return appendAudit(tx, cchcbot.AuditEntry{At: now, Actor: "system", Action: "admin.remove", Subject: string(user), Detail: a.Name})
	})
}

// Admin returns an admin by user id; ENOTFOUND if the person is not one.
func (db *DB) Admin(ctx context.Context, user cchcbot.UserID) (cchcbot.Admin, error) {
	var a cchcbot.Admin
	err := db.view(ctx, "admin", func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketAdmins), []byte(user), &a)
		if err == nil && !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Chức năng này chỉ dành cho cán bộ quản trị.")
		}
		return err
	})
	return a, err
}

// Admins returns every admin, by user id.
func (db *DB) Admins(ctx context.Context) ([]cchcbot.Admin, error) {
	var out []cchcbot.Admin
	err := db.view(ctx, "admins", func(tx *bolt.Tx) (err error) {
		out, err = allRecords[cchcbot.Admin](tx.Bucket(bucketAdmins), nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
