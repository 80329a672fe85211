package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// SaveDraft stores the user's draft, replacing any older one. CreatedAt
// and UpdatedAt default to now.
func (db *DB) SaveDraft(ctx context.Context, d cchcbot.Draft) error {
	if d.User == "" {
		return cchcbot.Errorf(cchcbot.EINVALID, "Hồ sơ đang soạn thiếu người soạn.")
	}
	d.CreatedAt, d.UpdatedAt = db.stamp(d.CreatedAt), db.stamp(d.UpdatedAt)
	return db.update(ctx, "save draft", func(tx *bolt.Tx) error {
		return put(tx.Bucket(bucketDrafts), []byte(d.User), d)
	})
}

// Draft returns the user's draft; ENOTFOUND if there is none.
func (db *DB) Draft(ctx context.Context, user cchcbot.UserID) (cchcbot.Draft, error) {
	var d cchcbot.Draft
	err := db.view(ctx, "draft", func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketDrafts), []byte(user), &d)
		if err == nil && !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Không có hồ sơ nào đang soạn. Xin bắt đầu lại bằng lệnh /nop.")
		}
		return err
	})
	return d, err
}

// DeleteDraft drops the user's draft; having none is not an error.
func (db *DB) DeleteDraft(ctx context.Context, user cchcbot.UserID) error {
	return db.update(ctx, "delete draft", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDrafts)
		if b.Get([]byte(user)) == nil {
			return errNoChange
		}
		return b.Delete([]byte(user))
	})
}
