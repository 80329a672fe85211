package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"regexp"

	bolt "go.etcd.io/bbolt"
)

// monthPattern is the form of a counting month: "2026-12", in the
// office's zone, which the caller chooses.
var monthPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// CountProactive returns how many proactive messages (sent outside the
// network's free reply window, see LastSeen) were counted for channel in
// month ("2026-12"): 0 for a month without any.
func (db *DB) CountProactive(ctx context.Context, channel, month string) (int, error) {
	key, err := proactiveKey(channel, month)
	if err != nil {
		return 0, fmt.Errorf("count proactive: %w", err)
	}
	var n int
	err = db.view(ctx, "count proactive", func(tx *bolt.Tx) error {
		n = readCount(tx.Bucket(bucketProactive).Get(key))
		return nil
	})
	return n, err
}

// AddProactive adds n to the count of proactive messages of channel in
// month, in one commit, and returns the new total. A negative n gives
// back what was counted for a message that was then not sent; the total
// never goes below zero. n = 0 reads the total without a commit.
func (db *DB) AddProactive(ctx context.Context, channel, month string, n int) (int, error) {
	key, err := proactiveKey(channel, month)
	if err != nil {
		return 0, fmt.Errorf("add proactive: %w", err)
	}
	var total int
	err = db.update(ctx, "add proactive", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketProactive)
		old := readCount(b.Get(key))
		switch {
		case n < 0 && -n >= old:
			total = 0
		case n > 0 && n > math.MaxInt64-old:
			total = math.MaxInt64
		default:
			total = old + n
		}
		if total == old {
			return errNoChange
		}
		return b.Put(key, be64(uint64(total)))
	})
	if err != nil {
		return 0, err
	}
	return total, nil
}

func proactiveKey(channel, month string) ([]byte, error) {
	if !validKeyPart(channel) {
		return nil, fmt.Errorf("invalid channel name %q", channel)
	}
	if !monthPattern.MatchString(month) {
		return nil, fmt.Errorf("month %q is not of the form 2026-12", month)
	}
	return joinKey(channel, month), nil
}

func readCount(v []byte) int {
	if len(v) != 8 {
		return 0
	}
	n := binary.BigEndian.Uint64(v)
	if n > math.MaxInt64 {
		return math.MaxInt64
	}
	return int(n)
}
