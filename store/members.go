package store

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// Member returns the member with the given user id; ENOTFOUND if the
// person speaks for no unit.
func (db *DB) Member(ctx context.Context, user cchcbot.UserID) (cchcbot.Member, error) {
	var m cchcbot.Member
	err := db.view(ctx, "member", func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketMembers), []byte(user), &m)
		if err == nil && !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Tài khoản này chưa được gắn với đơn vị nào. Xin liên hệ phòng Nội vụ để nhận mã mời.")
		}
		return err
	})
	return m, err
}

// Members returns the members of a unit ("" for all), by unit then by
// joining time.
func (db *DB) Members(ctx context.Context, unitCode string) ([]cchcbot.Member, error) {
	all, err := db.cache.memberList.get(&db.cache.members, func() ([]cchcbot.Member, error) { return db.loadMembers(ctx) })
	if err != nil {
		return nil, err
	}
	if unitCode == "" {
		return slices.Clone(all), nil
	}
	var out []cchcbot.Member
	for _, m := range all {
		if m.UnitCode == unitCode {
			out = append(out, m)
		}
	}
	return out, nil
}

func (db *DB) loadMembers(ctx context.Context) ([]cchcbot.Member, error) {
	var out []cchcbot.Member
	err := db.view(ctx, "members", func(tx *bolt.Tx) (err error) {
		out, err = allRecords[cchcbot.Member](tx.Bucket(bucketMembers), nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b cchcbot.Member) int {
		return cmp.Or(cmp.Compare(a.UnitCode, b.UnitCode), a.JoinedAt.Compare(b.JoinedAt), cmp.Compare(a.User, b.User))
	})
	return out, nil
}

// RemoveMember unbinds a member from their unit; ENOTFOUND if they were
// not a member.
func (db *DB) RemoveMember(ctx context.Context, user cchcbot.UserID, by string, now time.Time) error {
	now = db.stamp(now)
	return db.update(ctx, "remove member", func(tx *bolt.Tx) error {
		db.cache.members.changedBy(tx)
		b := tx.Bucket(bucketMembers)
		var m cchcbot.Member
		if found, err := get(b, []byte(user), &m); err != nil {
			return err
		} else if !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có thành viên có mã %s.", user.Local())
		}
		if err := b.Delete([]byte(user)); err != nil {
			return err
		}
		return appendAudit(tx, cchcbot.AuditEntry{At: now, Actor: by, Action: "member.remove", Subject: string(user), Detail: m.UnitCode})
	})
}

// SetReachable records whether messages to a member get through. A person
// who is not a member (an admin, say) has nothing to record: no error.
func (db *DB) SetReachable(ctx context.Context, user cchcbot.UserID, reachable bool, reason string, now time.Time) error {
	now = db.stamp(now)
	return db.update(ctx, "set reachable", func(tx *bolt.Tx) error {
		db.cache.members.changedBy(tx)
		b := tx.Bucket(bucketMembers)
		var m cchcbot.Member
		if found, err := get(b, []byte(user), &m); err != nil {
			return err
		} else if !found || m.Unreachable == !reachable {
			return errNoChange
		}
		m.Unreachable, m.UnreachableAt, m.UnreachableReason = false, time.Time{}, ""
		action := "member.reachable"
		if !reachable {
			m.Unreachable, m.UnreachableAt, m.UnreachableReason = true, now, reason
			action = "member.unreachable"
		}
		if err := put(b, []byte(user), m); err != nil {
			return err
		}
		return appendAudit(tx, cchcbot.AuditEntry{At: now, Actor: "system", Action: action, Subject: string(user), Detail: reason})
	})
}

// MarkUnreachable records that messages to user no longer get through,
// and queues the messages out makes from the member (the admins' alert),
// in one transaction that first checks the member is still reachable: of
// two refusals racing, one changes the record and alerts, the other finds
// it done. changed is false, and nothing is written, when user is already
// unreachable or is no member. out runs inside the write transaction and
// may be nil. SetReachable clears the mark.
func (db *DB) MarkUnreachable(ctx context.Context, user cchcbot.UserID, reason string, now time.Time,
	out func(cchcbot.Member) []*cchcbot.Outgoing) (changed bool, err error) {
	now = db.stamp(now)
	var done []queued
	err = db.update(ctx, "mark unreachable", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMembers)
		var m cchcbot.Member
		if found, err := get(b, []byte(user), &m); err != nil {
			return err
		} else if !found || m.Unreachable {
			return errNoChange
		}
		db.cache.members.changedBy(tx)
		m.Unreachable, m.UnreachableAt, m.UnreachableReason = true, now, reason
		if err := put(b, []byte(user), m); err != nil {
			return err
		}
		if err := appendAudit(tx, cchcbot.AuditEntry{At: now, Actor: "system", Action: "member.unreachable", Subject: string(user), Detail: reason}); err != nil {
			return err
		}
		changed = true
		if out == nil {
			return nil
		}
		done, err = db.enqueue(tx, now, out(m))
		return err
	})
	if err != nil {
		return false, err
	}
	settle(done)
	return changed, nil
}

// ImportMembers binds many people to their units in one transaction, as
// redeeming an invite binds one, with the same audit entry (m.UnitCode,
// JoinedAt and InvitedBy as given). It is for bulk loads such as the
// benchmarks' synthetic deployments; every unit must be in service, or
// nothing is written.
func (db *DB) ImportMembers(ctx context.Context, ms []cchcbot.Member) error {
	return db.update(ctx, "import members", func(tx *bolt.Tx) error {
		db.cache.members.changedBy(tx)
		for _, m := range ms {
			if !validKeyPart(string(m.User)) {
				return cchcbot.Errorf(cchcbot.EINVALID, "Thiếu mã tài khoản của thành viên.")
			}
			if err := unitInService(tx, m.UnitCode); err != nil {
				return err
			}
			inv := cchcbot.Invite{UnitCode: m.UnitCode, CreatedBy: m.InvitedBy}
			if err := joinUnit(tx, m, inv, db.stamp(m.JoinedAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

// MemberCounts returns, by unit, how many members it has and how many of
// them the bot can reach: what status pages show, without copying every
// member.
func (db *DB) MemberCounts(ctx context.Context) (map[string]cchcbot.MemberCount, error) {
	counts, err := db.cache.memberCounts.get(&db.cache.members, func() (map[string]cchcbot.MemberCount, error) {
		all, err := db.cache.memberList.get(&db.cache.members, func() ([]cchcbot.Member, error) { return db.loadMembers(ctx) })
		if err != nil {
			return nil, err
		}
		return cchcbot.CountMembers(all), nil
	})
	return maps.Clone(counts), err
}
