package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// The web dashboard's buckets. They are made by the first write that needs
// them rather than by a migration: a database whose office never turned
// the dashboard on has none, the schema version does not move, and every
// read treats a missing bucket as empty.
var (
	bucketWebLogins   = []byte("web_logins")   // sha256(link token), hex → WebLogin; never the token
	bucketWebSessions = []byte("web_sessions") // sha256(session id), hex → WebSession; never the id
)

// webKeep is how long a used or expired login link is remembered: opened
// again within it, the link is "already used" or "expired" rather than
// unknown, which tells the admin what happened.
const webKeep = 24 * time.Hour

// CreateWebLogin stores a login link by its hash, and forgets the links
// and sessions long dead: nothing else removes them.
func (db *DB) CreateWebLogin(ctx context.Context, l cchcbot.WebLogin) error {
	switch {
	case !validSHA256(l.Hash):
		return cchcbot.Errorf(cchcbot.EINVALID, "Đường link đăng nhập phải được lưu dưới dạng mã băm sha256.")
	case l.Admin == "":
		return cchcbot.Errorf(cchcbot.EINVALID, "Đường link đăng nhập cần ghi rõ cán bộ quản trị.")
	case l.ExpiresAt.IsZero():
		return cchcbot.Errorf(cchcbot.EINVALID, "Đường link đăng nhập cần có thời hạn.")
	}
	l.CreatedAt = db.stamp(l.CreatedAt)
	return db.update(ctx, "create web login", func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketWebLogins)
		if err != nil {
			return err
		}
		if b.Get([]byte(l.Hash)) != nil {
			return cchcbot.Errorf(cchcbot.ECONFLICT, "Đường link đăng nhập đã tồn tại. Xin tạo đường link mới.")
		}
		if err := put(b, []byte(l.Hash), l); err != nil {
			return err
		}
		if err := prune(b, func(v []byte) (bool, error) {
			var old cchcbot.WebLogin
			err := decode(nil, v, &old)
			return err == nil && l.CreatedAt.Sub(old.ExpiresAt) > webKeep, err
		}); err != nil {
			return err
		}
		if s := tx.Bucket(bucketWebSessions); s != nil {
			return prune(s, func(v []byte) (bool, error) {
				var old cchcbot.WebSession
				err := decode(nil, v, &old)
				return err == nil && l.CreatedAt.After(old.ExpiresAt), err
			})
		}
		return nil
	})
}

// prune deletes the records of b that dead reports true for, after the
// walk: deleting under a cursor skips keys.
func prune(b *bolt.Bucket, dead func(v []byte) (bool, error)) error {
	var drop [][]byte
	if err := b.ForEach(func(k, v []byte) error {
		d, err := dead(v)
		if d {
			drop = append(drop, clone(k))
		}
		return err
	}); err != nil {
		return err
	}
	for _, k := range drop {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// cchcbot.WebLogin returns the login link with the given hash, used or not, so
// that the page it opens can say whether it still works; ENOTFOUND if
// there is none.
func (db *DB) WebLogin(ctx context.Context, hash string) (cchcbot.WebLogin, error) {
	var l cchcbot.WebLogin
	err := db.view(ctx, "web login", func(tx *bolt.Tx) error {
		found := false
		if b := tx.Bucket(bucketWebLogins); b != nil {
			var err error
			if found, err = get(b, []byte(hash), &l); err != nil {
				return err
			}
		}
		if !found {
			return errUnknownLogin()
		}
		return nil
	})
	return l, err
}

func errUnknownLogin() error {
	return cchcbot.Errorf(cchcbot.ENOTFOUND, "Đường link đăng nhập không đúng. Xin gửi lệnh /web cho bot để nhận đường link mới.")
}

// StartWebSession consumes the login link with hash loginHash and stores
// s as the session of the link's admin, in one commit: a link opens one
// session at most, even when two requests race. An unknown link is
// ENOTFOUND, a used one ECONFLICT, an expired one EEXPIRED; then nothing
// is stored. It returns s with its Admin set.
func (db *DB) StartWebSession(ctx context.Context, loginHash string, s cchcbot.WebSession, now time.Time) (cchcbot.WebSession, error) {
	if !validSHA256(s.Hash) || s.CSRF == "" || s.ExpiresAt.IsZero() {
		return cchcbot.WebSession{}, cchcbot.Errorf(cchcbot.EINVALID, "Phiên làm việc không hợp lệ.")
	}
	now = db.stamp(now)
	s.CreatedAt = db.stamp(s.CreatedAt)
	err := db.update(ctx, "start web session", func(tx *bolt.Tx) error {
		logins := tx.Bucket(bucketWebLogins)
		if logins == nil {
			return errUnknownLogin()
		}
		var l cchcbot.WebLogin
		found, err := get(logins, []byte(loginHash), &l)
		switch {
		case err != nil:
			return err
		case !found:
			return errUnknownLogin()
		case l.Used():
			return cchcbot.Errorf(cchcbot.ECONFLICT, "Đường link đăng nhập này đã được dùng. Mỗi đường link chỉ dùng được một lần; xin gửi lệnh /web cho bot để nhận đường link mới.")
		case now.After(l.ExpiresAt):
			return cchcbot.Errorf(cchcbot.EEXPIRED, "Đường link đăng nhập đã hết hạn. Đường link chỉ có hiệu lực trong ít phút; xin gửi lệnh /web cho bot để nhận đường link mới.")
		}
		l.UsedAt = now
		if err := put(logins, []byte(loginHash), l); err != nil {
			return err
		}
		sessions, err := tx.CreateBucketIfNotExists(bucketWebSessions)
		if err != nil {
			return err
		}
		if sessions.Get([]byte(s.Hash)) != nil {
			return cchcbot.Errorf(cchcbot.ECONFLICT, "Phiên làm việc đã tồn tại.")
		}
		s.Admin = l.Admin
		return put(sessions, []byte(s.Hash), s)
	})
	if err != nil {
		return cchcbot.WebSession{}, err
	}
	return s, nil
}

// cchcbot.WebSession returns the session with the given hash; ENOTFOUND if there
// is none, EEXPIRED if it ended before now.
func (db *DB) WebSession(ctx context.Context, hash string, now time.Time) (cchcbot.WebSession, error) {
	var s cchcbot.WebSession
	err := db.view(ctx, "web session", func(tx *bolt.Tx) error {
		found := false
		if b := tx.Bucket(bucketWebSessions); b != nil {
			var err error
			if found, err = get(b, []byte(hash), &s); err != nil {
				return err
			}
		}
		switch {
		case !found:
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Phiên làm việc không tồn tại. Xin đăng nhập lại.")
		case now.After(s.ExpiresAt):
			return cchcbot.Errorf(cchcbot.EEXPIRED, "Phiên làm việc đã hết hạn. Xin đăng nhập lại.")
		}
		return nil
	})
	if err != nil {
		return cchcbot.WebSession{}, err
	}
	return s, nil
}

// DeleteWebSession ends a session (logout); one already gone is no error.
func (db *DB) DeleteWebSession(ctx context.Context, hash string) error {
	return db.update(ctx, "delete web session", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWebSessions)
		if b == nil || b.Get([]byte(hash)) == nil {
			return errNoChange
		}
		return b.Delete([]byte(hash))
	})
}

// SubmissionsVersion changes after every commit that records or reviews a
// submission, and UnitsVersion after every commit that changes a unit: a
// reader may keep what it computed from them while they stay the same.
// The file is locked to this process, so no write goes unseen.
func (db *DB) SubmissionsVersion() uint64 { return db.cache.submissions.n.Load() }

// UnitsVersion: see SubmissionsVersion.
func (db *DB) UnitsVersion() uint64 { return db.cache.units.n.Load() }

// LatestSubmissionsBrief is LatestSubmissions with only ID, PeriodID,
// UnitCode, Version, SubmittedAt, DaysLate, State and Reason filled: what
// the dashboard's overview and period pages show. It decodes one version per unit,
// the latest, and none of its files, so a province's year is read in a
// fraction of the time.
func (db *DB) LatestSubmissionsBrief(ctx context.Context, periodID string) (map[string]*cchcbot.Submission, error) {
	out := map[string]*cchcbot.Submission{}
	err := db.view(ctx, "latest submissions brief", func(tx *bolt.Tx) error {
		subs := tx.Bucket(bucketSubmissions)
		prefix := joinKey(periodID, "")
		var unit, last []byte // the unit being walked and its latest version's id
		flush := func() error {
			if last == nil {
				return nil
			}
			var s cchcbot.Submission
			if err := decodeSubmissionBrief(last, subs.Get(last), &s); err != nil {
				return err
			}
			out[s.UnitCode] = &s
			return nil
		}
		c := tx.Bucket(bucketSubByPU).Cursor()
		for k, id := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, id = c.Next() {
			rest := k[len(prefix):] // unit \0 be32 version
			end := bytes.IndexByte(rest, 0)
			if end < 0 {
				continue
			}
			if !bytes.Equal(rest[:end], unit) {
				if err := flush(); err != nil {
					return err
				}
				unit = rest[:end]
			}
			last = id // versions ascend within a unit
		}
		return flush()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SubmissionChanges returns the periods whose submissions were recorded
// or reviewed by the commits after audit entry afterSeq, and the audit
// log's last sequence number now: a reader that keeps something per
// period refreshes just those. Every commit that writes a submission
// appends its audit entry ("submission.*", subject "period unit") in the
// same transaction, so none is missed. Past limit entries to read, it
// stops and reports complete false: the reader then refreshes everything
// (as it must on its first call, afterSeq 0, which reads nothing).
func (db *DB) SubmissionChanges(ctx context.Context, afterSeq uint64, limit int) (periods []string, last uint64, complete bool, err error) {
	err = db.view(ctx, "submission changes", func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		if k, _ := c.Last(); k != nil {
			last = binary.BigEndian.Uint64(k)
		}
		if afterSeq == 0 || last < afterSeq || last-afterSeq > uint64(limit) {
			return nil // not complete: the caller starts afresh from last
		}
		seen := map[string]bool{}
		for k, v := c.Seek(be64(afterSeq + 1)); k != nil; k, v = c.Next() {
			if !bytes.Contains(v, []byte(`"Action":"submission.`)) {
				continue
			}
			var e cchcbot.AuditEntry
			if err := decode(k, v, &e); err != nil {
				return err
			}
			if p, _, ok := strings.Cut(e.Subject, " "); ok && strings.HasPrefix(e.Action, "submission.") && !seen[p] {
				seen[p] = true
				periods = append(periods, p)
			}
		}
		complete = true
		return nil
	})
	return periods, last, complete, err
}
