package store

import (
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// CreateInvite stores an invite; only its hash is kept.
func (db *DB) CreateInvite(ctx context.Context, inv cchcbot.Invite) error {
	if len(inv.Hash) != 64 {
		return cchcbot.Errorf(cchcbot.EINVALID, "invite hash must be a sha256")
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInvites)
		if b.Get([]byte(inv.Hash)) != nil {
			return cchcbot.Errorf(cchcbot.ECONFLICT, "Mã mời đã tồn tại.")
		}
		if !inv.Admin {
			var u cchcbot.Unit
			if found, err := get(tx.Bucket(bucketUnits), []byte(inv.UnitCode), &u); err != nil {
				return err
			} else if !found || u.Retired {
				return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có đơn vị mã %q.", inv.UnitCode)
			}
		}
		inv.CreatedAt = db.stamp(inv.CreatedAt)
		if err := put(b, []byte(inv.Hash), inv); err != nil {
			return err
		}
		subject := inv.UnitCode
		if inv.Admin {
			subject = "admin:" + inv.AdminName
		}
		// The audit names the invite by a prefix of its hash: never the code.
		return appendAudit(tx, cchcbot.AuditEntry{At: inv.CreatedAt, Actor: inv.CreatedBy, Action: "invite.create", Subject: subject, Detail: inv.Hash[:12]})
	})
}

// RedeemInvite consumes an invite for m and binds m to its unit, or makes
// m an admin, in one transaction: two people racing for one code cannot
// both win.
func (db *DB) RedeemInvite(ctx context.Context, hash string, m cchcbot.Member, now time.Time) (cchcbot.Invite, error) {
	now = db.stamp(now)
	var inv cchcbot.Invite
	err := db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInvites)
		found, err := get(b, []byte(hash), &inv)
		switch {
		case err != nil:
			return err
		case !found:
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Mã mời không đúng. Xin vui lòng kiểm tra lại đường link do phòng Nội vụ gửi.")
		case inv.Used():
			return cchcbot.Errorf(cchcbot.ECONFLICT, "Mã mời này đã được sử dụng. Mỗi mã chỉ dùng được một lần; xin liên hệ phòng Nội vụ để được cấp mã mới.")
		case now.After(inv.ExpiresAt):
			return cchcbot.Errorf(cchcbot.EEXPIRED, "Mã mời đã hết hạn ngày %s. Xin liên hệ phòng Nội vụ để được cấp mã mới.", cchcbot.DateOf(inv.ExpiresAt).VN())
		}
		inv.UsedAt, inv.UsedBy = now, m.User
		if err := put(b, []byte(hash), inv); err != nil {
			return err
		}
		if inv.Admin {
			name := inv.AdminName
			if name == "" {
				name = m.Name
			}
			return addAdmin(tx, cchcbot.Admin{User: m.User, Name: name}, now)
		}
		var u cchcbot.Unit
		if found, err := get(tx.Bucket(bucketUnits), []byte(inv.UnitCode), &u); err != nil {
			return err
		} else if !found || u.Retired {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Đơn vị của mã mời không còn trong danh sách. Xin liên hệ phòng Nội vụ.")
		}
		members := tx.Bucket(bucketMembers)
		var old cchcbot.Member
		if _, err := get(members, []byte(m.User), &old); err != nil {
			return err
		}
		m.UnitCode, m.JoinedAt, m.InvitedBy = inv.UnitCode, now, inv.CreatedBy
		m.Unreachable, m.UnreachableAt, m.UnreachableReason = false, time.Time{}, ""
		if err := put(members, []byte(m.User), m); err != nil {
			return err
		}
		detail := inv.UnitCode
		if old.UnitCode != "" && old.UnitCode != inv.UnitCode {
			detail = old.UnitCode + " → " + inv.UnitCode
		}
		return appendAudit(tx, cchcbot.AuditEntry{At: now, Actor: string(m.User), Action: "member.join", Subject: string(m.User), Detail: detail})
	})
	return inv, err
}

// Invites returns every invite.
func (db *DB) Invites(ctx context.Context) ([]cchcbot.Invite, error) {
	var out []cchcbot.Invite
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInvites)
		return b.ForEach(func(k, v []byte) error {
			var inv cchcbot.Invite
			if _, err := get(b, k, &inv); err != nil {
				return err
			}
			out = append(out, inv)
			return nil
		})
	})
	return out, err
}
