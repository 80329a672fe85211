package store

import (
	"context"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// CreateInvite stores an invite under its hash (never the code). A unit
// invite must name a unit in service; a hash already stored is ECONFLICT.
func (db *DB) CreateInvite(ctx context.Context, inv cchcbot.Invite) error {
	if !validSHA256(inv.Hash) {
		return cchcbot.Errorf(cchcbot.EINVALID, "Mã mời phải được lưu dưới dạng mã băm sha256.")
	}
	if inv.ExpiresAt.IsZero() {
		return cchcbot.Errorf(cchcbot.EINVALID, "Mã mời cần có thời hạn sử dụng.")
	}
	inv.CreatedAt = db.stamp(inv.CreatedAt)
	return db.update(ctx, "create invite", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInvites)
		if b.Get([]byte(inv.Hash)) != nil {
			return cchcbot.Errorf(cchcbot.ECONFLICT, "Mã mời đã tồn tại. Xin tạo mã mới.")
		}
		subject := inv.UnitCode
		if inv.Admin {
			subject = "admin:" + inv.AdminName
		} else if err := unitInService(tx, inv.UnitCode); err != nil {
			return err
		}
		if err := put(b, []byte(inv.Hash), inv); err != nil {
			return err
		}
		// The audit names the invite by a prefix of its hash, never the code.
		return appendAudit(tx, cchcbot.AuditEntry{At: inv.CreatedAt, Actor: inv.CreatedBy, Action: "invite.create", Subject: subject, Detail: inv.Hash[:12]})
	})
}

func unitInService(tx *bolt.Tx, code string) error {
	var u cchcbot.Unit
	found, err := get(tx.Bucket(bucketUnits), []byte(code), &u)
	switch {
	case err != nil:
		return err
	case !found:
		return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có đơn vị mã %q.", code)
	case u.Retired:
		return cchcbot.Errorf(cchcbot.ENOTFOUND, "%s không còn trong danh sách đơn vị phải báo cáo.", u.Name)
	}
	return nil
}

// RedeemInvite consumes the invite with the given hash for m and, in the
// same transaction, makes m a member of its unit (moving them from any
// other unit: one unit per person) or an admin. Two people racing for one
// code cannot both win: bbolt runs one writer at a time. A wrong code is
// ENOTFOUND, a used one ECONFLICT, an expired one EEXPIRED; any failure
// leaves the invite unused.
func (db *DB) RedeemInvite(ctx context.Context, hash string, m cchcbot.Member, now time.Time) (cchcbot.Invite, error) {
	now = db.stamp(now)
	var inv cchcbot.Invite
	err := db.update(ctx, "redeem invite", func(tx *bolt.Tx) error {
		db.cache.members.changedBy(tx)
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
			return cchcbot.Errorf(cchcbot.EEXPIRED, "Mã mời đã hết hạn từ ngày %s. Xin liên hệ phòng Nội vụ để được cấp mã mới.", cchcbot.DateOf(inv.ExpiresAt).VN())
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
			return addAdmin(tx, cchcbot.Admin{User: m.User, Name: name, AddedAt: now})
		}
		if err := unitInService(tx, inv.UnitCode); cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Đơn vị của mã mời này không còn trong danh sách đơn vị phải báo cáo. Xin liên hệ phòng Nội vụ.")
		} else if err != nil {
			return err
		}
		if inv.LinkTo != "" {
			// The same person's other account: it joins the unit of the
			// account it links to, as the same person.
			var to cchcbot.Member
			if found, err := get(tx.Bucket(bucketMembers), []byte(inv.LinkTo), &to); err != nil {
				return err
			} else if !found || to.UnitCode != inv.UnitCode {
				return cchcbot.Errorf(cchcbot.ENOTFOUND, "Tài khoản cần liên kết không còn là thành viên của đơn vị. Xin tạo mã liên kết mới bằng lệnh /lienket.")
			} else if m.User == inv.LinkTo || m.User.Channel() == to.User.Channel() {
				return cchcbot.Errorf(cchcbot.EINVALID, "Mã liên kết dùng để nối tài khoản ở một mạng khác (Telegram với Zalo). Xin gửi mã này từ tài khoản còn lại của mình.")
			}
			m.Person, m.Head = to.PersonKey(), to.Head
		}
		return joinUnit(tx, m, inv, now)
	})
	if err != nil {
		return cchcbot.Invite{}, err
	}
	return inv, nil
}

// joinUnit makes m a member of the invite's unit. A person speaks for one
// unit at a time: one re-invited elsewhere moves, and the audit says from
// where.
func joinUnit(tx *bolt.Tx, m cchcbot.Member, inv cchcbot.Invite, now time.Time) error {
	members := tx.Bucket(bucketMembers)
	var old cchcbot.Member
	if _, err := get(members, []byte(m.User), &old); err != nil {
		return err
	}
	m.UnitCode, m.JoinedAt, m.InvitedBy = inv.UnitCode, now, inv.CreatedBy
	// A head invite makes the unit's head; a plain one to the same unit
	// (a new code after a lost phone) keeps what the person was.
	m.Head = m.Head || inv.Head || old.UnitCode == inv.UnitCode && old.Head
	m.Unreachable, m.UnreachableAt, m.UnreachableReason = false, time.Time{}, ""
	if err := put(members, []byte(m.User), m); err != nil {
		return err
	}
	e := cchcbot.AuditEntry{At: now, Actor: string(m.User), Action: "member.join", Subject: string(m.User), Detail: inv.UnitCode}
	if old.UnitCode != "" && old.UnitCode != inv.UnitCode {
		e.Action, e.Detail = "member.move", old.UnitCode+" → "+inv.UnitCode
	}
	return appendAudit(tx, e)
}

// Invites returns every invite, used and expired ones too, oldest first.
func (db *DB) Invites(ctx context.Context) ([]cchcbot.Invite, error) {
	var out []cchcbot.Invite
	err := db.view(ctx, "invites", func(tx *bolt.Tx) (err error) {
		out, err = allRecords[cchcbot.Invite](tx.Bucket(bucketInvites), nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b cchcbot.Invite) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}
