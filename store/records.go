package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// put encodes v and writes it at key: reminders, submissions and members
// in their binary layout (codec.go), anything else as JSON. A binary
// record leaves out what its key holds, so put refuses a record whose
// identity is not its key: it would come back as someone else's.
func put(b *bolt.Bucket, key []byte, v any) error {
	data, err := encode(key, v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// encode returns the stored form of v at key.
func encode(key []byte, v any) ([]byte, error) {
	switch r := v.(type) {
	case cchcbot.Reminder:
		return encode(key, &r)
	case cchcbot.Submission:
		return encode(key, &r)
	case cchcbot.Member:
		return encode(key, &r)
	case *cchcbot.Reminder:
		if !isReminderKey(key, r) {
			return nil, fmt.Errorf("encode %q: reminder of (%q, %q, %q, %q) under another key", key, r.PeriodID, r.UnitCode, r.Step, r.Member)
		}
		return appendReminder(make([]byte, 0, 64), r), nil
	case *cchcbot.Submission:
		if len(key) != 8 || binary.BigEndian.Uint64(key) != r.ID {
			return nil, fmt.Errorf("encode %q: submission %d under another key", key, r.ID)
		}
		return appendSubmission(make([]byte, 0, 256), r), nil
	case *cchcbot.Member:
		if string(key) != string(r.User) {
			return nil, fmt.Errorf("encode %q: member %q under another key", key, r.User)
		}
		return appendMember(make([]byte, 0, 96), r), nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %q: %w", key, err)
	}
	return data, nil
}

// get decodes the value at key into v and reports whether it existed.
// Decoding copies, so v stays valid after the transaction.
func get(b *bolt.Bucket, key []byte, v any) (bool, error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	return true, decode(key, data, v)
}

// decode decodes a stored value: the binary layout for reminders,
// submissions and members (a JSON one is an error: the store was not
// migrated), JSON for the rest.
func decode(key, data []byte, v any) error {
	switch r := v.(type) {
	case *cchcbot.Reminder:
		return decodeReminder(key, data, r)
	case *cchcbot.Submission:
		return decodeSubmission(key, data, r)
	case *cchcbot.Member:
		return decodeMember(key, data, r)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %q: %w", key, err)
	}
	return nil
}

// decodeLegacy is decode for the migrations that run on old stores,
// whose reminders, submissions and members may still be JSON (what every
// release before format 1 wrote). Nothing else reads JSON for them.
func decodeLegacy(key, data []byte, v any) error {
	switch v.(type) {
	case *cchcbot.Reminder, *cchcbot.Submission, *cchcbot.Member:
		if len(data) > 0 && data[0] == '{' {
			if err := json.Unmarshal(data, v); err != nil {
				return fmt.Errorf("decode %q: %w", key, err)
			}
			return nil
		}
	}
	return decode(key, data, v)
}

// eachRecord decodes every record of b under prefix (nil: all of them),
// in key order, and calls fn with its key (valid only inside the
// transaction) and the record. fn must not write to b: a Put may move the
// cursor, a Delete skips keys; collect, then write after the walk.
func eachRecord[T any](b *bolt.Bucket, prefix []byte, fn func(k []byte, v T) error) error {
	c := b.Cursor()
	for k, data := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, data = c.Next() {
		var v T
		if err := decode(k, data, &v); err != nil {
			return err
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// allRecords returns every record of b under prefix (nil: all of them),
// in key order.
func allRecords[T any](b *bolt.Bucket, prefix []byte) ([]T, error) {
	var out []T
	err := eachRecord(b, prefix, func(_ []byte, v T) error {
		out = append(out, v)
		return nil
	})
	return out, err
}
