package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// defaultMaxSeen bounds the remembered event keys whatever their age: a
// district sees a few thousand events a day, so only a flood reaches it.
const defaultMaxSeen = 100_000

// AcceptIncoming takes chat events into the store, in one commit, before
// the bot confirms them to the network: once this returns they survive a
// crash, and PendingIncoming gives them back until FinishIncoming. An
// event whose Key was accepted within the seen TTL, or earlier in evs, is
// a redelivery and is skipped. Every other event's Key is remembered; one
// with In set is also put in the inbox, with its Seq and ReceivedAt (now),
// and returned, in the order of evs, and its user's last-seen time moves
// to now (see LastSeen). One without (an event the bot ignores) is only
// remembered.
func (db *DB) AcceptIncoming(ctx context.Context, evs []cchcbot.Inbound) ([]cchcbot.Inbound, error) {
	for _, ev := range evs {
		if ev.Key == "" || len(ev.Key) > bolt.MaxKeySize {
			return nil, fmt.Errorf("accept incoming: key of %d bytes", len(ev.Key))
		}
	}
	if len(evs) == 0 {
		return nil, nil
	}
	now := db.now()
	var out []cchcbot.Inbound
	err := db.update(ctx, "accept incoming", func(tx *bolt.Tx) error {
		out = nil
		inbox := appendOnly(tx, bucketInbox)
		changed := false
		for _, ev := range evs {
			if fresh, err := db.see(tx, ev.Key, now); err != nil {
				return err
			} else if !fresh {
				continue
			}
			changed = true
			if ev.In == nil {
				continue
			}
			if err := noteSeen(tx, ev.In.User, now); err != nil {
				return err
			}
			seq, err := inbox.NextSequence()
			if err != nil {
				return err
			}
			ev.Seq, ev.ReceivedAt = seq, now
			if err := put(inbox, be64(seq), ev); err != nil {
				return err
			}
			out = append(out, ev)
		}
		if !changed { // all redeliveries: not worth a commit
			return errNoChange
		}
		return db.forgetSeen(tx, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// see remembers key as seen at now and reports whether it is fresh: not
// seen within the TTL. A key seen longer ago is fresh again, whether or
// not pruning has dropped it yet (the clock may have stepped back).
func (db *DB) see(tx *bolt.Tx, key string, now time.Time) (bool, error) {
	seen, order := tx.Bucket(bucketSeen), tx.Bucket(bucketSeenOrder)
	if v := seen.Get([]byte(key)); len(v) == 16 {
		at := time.Unix(0, int64(binary.BigEndian.Uint64(v[8:])))
		if at.After(now.Add(-db.seenTTL)) {
			return false, nil
		}
		if err := order.Delete(clone(v[:8])); err != nil { // re-entered below, as the newest
			return false, err
		}
	}
	n, err := order.NextSequence()
	if err != nil {
		return false, err
	}
	if err := order.Put(be64(n), []byte(key)); err != nil {
		return false, err
	}
	return true, seen.Put([]byte(key), append(be64(n), be64(uint64(now.UnixNano()))...))
}

// forgetSeen drops, oldest first, the keys seen longer ago than the TTL
// and those beyond the newest maxSeen. Usually that is none or a few: it
// runs after every write of new keys.
func (db *DB) forgetSeen(tx *bolt.Tx, now time.Time) error {
	seen, order := tx.Bucket(bucketSeen), tx.Bucket(bucketSeenOrder)
	var keep uint64 // the oldest order number the count bound keeps
	if last := order.Sequence(); db.maxSeen > 0 && last > uint64(db.maxSeen) {
		keep = last - uint64(db.maxSeen) + 1
	}
	cutoff := now.Add(-db.seenTTL)
	var drop [][2][]byte
	c := order.Cursor()
	for k, key := c.First(); k != nil; k, key = c.Next() {
		if binary.BigEndian.Uint64(k) >= keep {
			v := seen.Get(key)
			if len(v) == 16 && time.Unix(0, int64(binary.BigEndian.Uint64(v[8:]))).After(cutoff) {
				break // order numbers follow time: the rest are younger
			}
		}
		drop = append(drop, [2][]byte{clone(k), clone(key)})
	}
	for _, d := range drop { // after the walk: deleting under a cursor skips keys
		if err := order.Delete(d[0]); err != nil {
			return err
		}
		if err := seen.Delete(d[1]); err != nil {
			return err
		}
	}
	return nil
}

// PendingIncoming returns every accepted event not yet finished, in the
// order it arrived: what a restart must handle before anything new.
func (db *DB) PendingIncoming(ctx context.Context) ([]cchcbot.Inbound, error) {
	var out []cchcbot.Inbound
	err := db.view(ctx, "pending incoming", func(tx *bolt.Tx) (err error) {
		out, err = allRecords[cchcbot.Inbound](tx.Bucket(bucketInbox), nil)
		return err
	})
	return out, err
}

// FinishIncoming takes handled events out of the inbox, in one commit.
// Their keys stay remembered, so a redelivery is still recognised. An
// unknown seq is ignored, so finishing twice is harmless.
func (db *DB) FinishIncoming(ctx context.Context, seqs []uint64) error {
	if len(seqs) == 0 {
		return nil
	}
	return db.update(ctx, "finish incoming", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInbox)
		changed := false
		for _, seq := range seqs {
			k := be64(seq)
			if b.Get(k) == nil {
				continue
			}
			if err := b.Delete(k); err != nil {
				return err
			}
			changed = true
		}
		if !changed {
			return errNoChange
		}
		return nil
	})
}
