package store

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
)

// The buckets. Values of members, submissions and reminders are binary
// (codec.go: a format byte, then a hand-kept layout without the fields
// the key holds; migration 0009 converted the JSON ones); the others are
// JSON (encoding/json) of the root package's types unless noted. Keys are
// chosen so that a cursor walk yields the order the readers want, and
// composite keys join their parts with a zero byte, which no code or id
// may contain.
//
// Submissions are found through two indexes whose values are the be64 id:
// a period's versions by unit, and a unit's versions by period. Version
// numbers are big-endian so that version 10 sorts after version 9.
var (
	bucketMeta        = []byte("meta")            // schema version, applied migrations, secrets
	bucketUnits       = []byte("units")           // unit code → Unit
	bucketMembers     = []byte("members")         // UserID → Member, binary (one unit per person)
	bucketAdmins      = []byte("admins")          // UserID → Admin
	bucketInvites     = []byte("invites")         // sha256(code), hex → Invite; never the code
	bucketSubmissions = []byte("submissions")     // be64 id → Submission, binary; the id comes from the bucket's sequence
	bucketSubByPU     = []byte("sub_by_pu")       // period \0 unit \0 be32 version → be64 id
	bucketSubByUnit   = []byte("sub_by_unit")     // unit \0 period \0 be32 version → be64 id
	bucketReminders   = []byte("reminders")       // period \0 unit \0 step \0 member → Reminder, binary
	bucketDrafts      = []byte("drafts")          // UserID → Draft
	bucketAudit       = []byte("audit")           // be64 seq → AuditEntry; append-only
	bucketState       = []byte("state")           // key → raw bytes: small state of the scheduler and the bot
	bucketRemCounts   = []byte("reminder_counts") // period \0 unit → be32 sent, be32 acked: the log's tally
	bucketSubByKey    = []byte("sub_by_key")      // Submission.Key → be64 id: idempotent recording
	bucketOutbox      = []byte("outbox")          // be64 id → Outgoing; the id comes from the bucket's sequence
	bucketInbox       = []byte("inbox")           // be64 seq → Inbound; the seq comes from the bucket's sequence
	bucketSeen        = []byte("seen")            // Inbound.Key → be64 order number, be64 unix nanoseconds seen
	bucketSeenOrder   = []byte("seen_order")      // be64 order number → Inbound.Key; prunes the oldest
	bucketTokens      = []byte("channel_tokens")  // channel name → ChannelTokens; secrets, see tokens.go
	bucketLastSeen    = []byte("last_seen")       // UserID → be64 unix nanoseconds of the latest accepted event
	bucketProactive   = []byte("proactive")       // channel \0 "YYYY-MM" → be64 proactive messages counted
)

// Keys of the meta bucket.
var keySchemaVersion = []byte("schema_version") // decimal, the number of migrations applied

// Key prefixes in the meta bucket.
const (
	prefixMigration = "migration/" // + name → RFC 3339 time it ran
	prefixSecret    = "secret/"    // + name → random bytes
)

func be64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

func be32(n uint32) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, n)
	return b
}

// joinKey joins parts with zero bytes. A trailing "" part leaves a trailing
// separator, which makes a prefix that cannot match a longer code.
func joinKey(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += len(p) + 1
	}
	k := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			k = append(k, 0)
		}
		k = append(k, p...)
	}
	return k
}

func subByPUKey(periodID, unitCode string, version int) []byte {
	return append(joinKey(periodID, unitCode, ""), be32(uint32(version))...)
}

func subByUnitKey(unitCode, periodID string, version int) []byte {
	return append(joinKey(unitCode, periodID, ""), be32(uint32(version))...)
}

func reminderKey(periodID, unitCode, step string, member cchcbot.UserID) []byte {
	return joinKey(periodID, unitCode, step, string(member))
}

// validKeyPart rejects what would break a composite key.
func validKeyPart(s string) bool { return s != "" && !strings.ContainsRune(s, 0) }

// readVersion returns the schema version recorded in tx, 0 for a new file.
func readVersion(tx *bolt.Tx) (int, error) {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return 0, nil
	}
	v := b.Get(keySchemaVersion)
	if v == nil {
		return 0, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("schema version %q is not a number", v)
	}
	return n, nil
}

// appendFill is how full bbolt leaves a page it splits in a bucket whose
// keys only grow (a sequence): bbolt's default, half, suits keys put in
// any order, but new sequence numbers always land in the last page, so
// the half left empty at each split was never used again. The tenth kept
// free takes a record rewritten a little longer (a review).
const appendFill = 0.9

// appendOnly returns the bucket name of tx, set to split its pages full:
// for buckets keyed by a sequence (audit, submissions, outbox, inbox).
// FillPercent belongs to the transaction's handle, so every writer that
// appends must ask through here.
func appendOnly(tx *bolt.Tx, name []byte) *bolt.Bucket {
	b := tx.Bucket(name)
	b.FillPercent = appendFill
	return b
}
