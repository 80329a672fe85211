package store

import (
	"encoding/binary"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// Buckets. Values are JSON of the root package's types; keys are chosen so
// that a cursor walk gives the order the readers need.
var (
	bucketMeta        = []byte("meta")         // schema version, applied migrations, secrets
	bucketUnits       = []byte("units")        // unit code → Unit
	bucketMembers     = []byte("members")      // UserID → Member
	bucketAdmins      = []byte("admins")       // UserID → Admin
	bucketInvites     = []byte("invites")      // sha256(code) → Invite
	bucketSubmissions = []byte("submissions")  // be64 id → Submission
	bucketSubByPU     = []byte("sub_by_pu")    // period \0 unit \0 be32 version → be64 id
	bucketSubByUnit   = []byte("sub_by_unit")  // unit \0 period \0 be32 version → be64 id
	bucketReminders   = []byte("reminders")    // period \0 unit \0 step \0 member → Reminder
	bucketDrafts      = []byte("drafts")       // UserID → Draft
	bucketAudit       = []byte("audit")        // be64 seq → AuditEntry (append-only)
	bucketUpdates     = []byte("updates")      // be64 update id → be64 insertion order
	bucketUpdateOrder = []byte("update_order") // be64 insertion order → be64 update id
	bucketState       = []byte("state")        // small keyed state of the scheduler and bot
)

var (
	keySchemaVersion = []byte("schema_version")
	keyLastUpdate    = []byte("last_update_id")
	prefixMigration  = "migration/"
	prefixSecret     = "secret/"
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
	if err != nil {
		return 0, fmt.Errorf("schema version %q: %w", v, err)
	}
	return n, nil
}
