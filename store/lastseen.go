package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// LastSeen returns when the store last accepted an event from user (see
// AcceptIncoming), the zero time if never. Zalo lets an Official Account
// reply free of charge within 48 hours of a user's last message; beyond
// that a message is proactive and counts against a monthly quota. The
// time is that of acceptance, a little later than the user wrote by the
// delivery's delay: keep a margin before the window closes.
func (db *DB) LastSeen(ctx context.Context, user cchcbot.UserID) (time.Time, error) {
	var at time.Time
	if user == "" {
		return at, nil
	}
	err := db.view(ctx, "last seen", func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketLastSeen).Get([]byte(user)); len(v) == 8 {
			at = time.Unix(0, int64(binary.BigEndian.Uint64(v)))
		}
		return nil
	})
	return at, err
}

// noteSeen records in tx that user was seen at now, unless a later time
// is recorded already (the clock may have stepped back).
func noteSeen(tx *bolt.Tx, user cchcbot.UserID, now time.Time) error {
	if user == "" || len(user) > bolt.MaxKeySize {
		return nil // not a key: the event itself is still accepted
	}
	b, key := tx.Bucket(bucketLastSeen), []byte(user)
	if v := b.Get(key); len(v) == 8 && int64(binary.BigEndian.Uint64(v)) >= now.UnixNano() {
		return nil
	}
	if err := b.Put(key, be64(uint64(now.UnixNano()))); err != nil {
		return fmt.Errorf("last seen of %s: %w", user, err)
	}
	return nil
}
