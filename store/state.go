package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// Secret returns the random secret kept under name, making one of size
// bytes on first use (the key that signs button data). It lives in the
// database so that buttons sent before a restart still verify after it.
func (db *DB) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	if name == "" || size < 16 || size > 1024 {
		return nil, fmt.Errorf("secret %q: size %d out of range [16, 1024]", name, size)
	}
	key := []byte(prefixSecret + name)
	var out []byte
	// Read first: after the first run the secret exists, and a write
	// transaction would cost a commit for nothing.
	if err := db.view(ctx, "secret", func(tx *bolt.Tx) error {
		out = clone(tx.Bucket(bucketMeta).Get(key))
		return nil
	}); err != nil || out != nil {
		return out, err
	}
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("secret %q: %w", name, err)
	}
	err := db.update(ctx, "secret", func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(key); v != nil { // made meanwhile by another caller
			out = clone(v)
			return errNoChange
		}
		out = fresh
		return meta.Put(key, fresh)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetState returns the value stored under key, nil if none.
func (db *DB) GetState(ctx context.Context, key string) ([]byte, error) {
	var out []byte
	err := db.view(ctx, "get state", func(tx *bolt.Tx) error {
		out = clone(tx.Bucket(bucketState).Get([]byte(key)))
		return nil
	})
	return out, err
}

// PutState stores a small value under key, replacing any older one.
func (db *DB) PutState(ctx context.Context, key string, val []byte) error {
	if key == "" {
		return fmt.Errorf("put state: empty key")
	}
	if val == nil {
		val = []byte{}
	}
	return db.update(ctx, "put state", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketState).Put([]byte(key), val)
	})
}

// QueueOnce queues msgs and remembers key (with the time) in one commit,
// unless key is remembered already: it reports whether it queued them. A
// digest or summary marked this way goes out once however often the sweep
// runs, and a crash can neither lose it nor queue it twice.
func (db *DB) QueueOnce(ctx context.Context, key string, msgs ...*cchcbot.Outgoing) (bool, error) {
	if key == "" {
		return false, fmt.Errorf("queue once: empty key")
	}
	var done []queued
	fresh := false
	err := db.update(ctx, "queue once", func(tx *bolt.Tx) (err error) {
		b := tx.Bucket(bucketState)
		if b.Get([]byte(key)) != nil {
			return errNoChange
		}
		now := db.now()
		if err := b.Put([]byte(key), []byte(now.UTC().Format(time.RFC3339))); err != nil {
			return err
		}
		fresh = true
		done, err = db.enqueue(tx, now, msgs)
		return err
	})
	if err != nil {
		return false, err
	}
	settle(done)
	return fresh, nil
}
