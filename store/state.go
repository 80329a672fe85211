package store

import (
	"context"
	"crypto/rand"
	"fmt"

	bolt "go.etcd.io/bbolt"
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
