package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// The channel tokens are secrets: whoever holds Zalo's refresh token can
// speak for the office's Official Account. They are kept in bbolt rather
// than in a file of their own because a refresh token is single-use: the
// pair a refresh returns must be durable before the adapter uses it, and
// a commit is the one write here that is fsynced and atomic. The data
// directory is 0700 and the database 0600 (see Open), but every backup
// (WriteBackup, the daily copies, `cchcbot backup`) holds them too: keep
// backups as private as the data directory. Nothing here puts a token in
// an error text or in the audit log.

// Tokens returns the OAuth tokens kept for channel (ChannelZalo). The
// error is ENOTFOUND when none were ever put: the adapter then starts
// from the refresh token the office was given.
func (db *DB) Tokens(ctx context.Context, channel string) (cchcbot.ChannelTokens, error) {
	var t cchcbot.ChannelTokens
	if !validKeyPart(channel) {
		return t, fmt.Errorf("tokens: invalid channel name %q", channel)
	}
	err := db.view(ctx, "tokens", func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketTokens), []byte(channel), &t)
		if err != nil {
			return fmt.Errorf("tokens of %s: stored record unreadable", channel) // never the decoder's text: it may quote the value
		} else if !found {
			return cchcbot.Errorf(cchcbot.ENOTFOUND, "Kho dữ liệu chưa có mã truy cập của kênh %s. Xin cấu hình mã làm mới (refresh token) do nền tảng cấp rồi khởi động lại bot.", channel)
		}
		return nil
	})
	if err != nil {
		return cchcbot.ChannelTokens{}, err
	}
	return t, nil
}

// PutTokens replaces the tokens kept for channel, in one commit that is
// durable when PutTokens returns: a network that rotates its refresh
// token on every use (Zalo) must have the new pair on disk before the
// old one is gone for good, whatever crash follows. t.UpdatedAt is
// stamped now when zero. Tokens with neither an access nor a refresh
// token are refused: writing them would only lose the ones kept.
func (db *DB) PutTokens(ctx context.Context, channel string, t cchcbot.ChannelTokens) error {
	if !validKeyPart(channel) {
		return fmt.Errorf("put tokens: invalid channel name %q", channel)
	}
	if t.Access == "" && t.Refresh == "" {
		return fmt.Errorf("put tokens of %s: neither an access nor a refresh token", channel)
	}
	t.UpdatedAt = db.stamp(t.UpdatedAt)
	return db.update(ctx, "put tokens", func(tx *bolt.Tx) error {
		if err := put(tx.Bucket(bucketTokens), []byte(channel), t); err != nil {
			return fmt.Errorf("tokens of %s: cannot be encoded", channel) // never the encoder's text
		}
		return nil
	})
}
