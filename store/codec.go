package store

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"cchcbot"
)

// The binary records. Reminders, submissions and members are most of a
// province's file (five million reminder rows at 10,000 units), so they
// are kept in a hand-kept layout instead of JSON: no field names, times as
// varints, and nothing the key already holds. Every value starts with its
// format byte; JSON starts with '{', so the migration can tell an old
// record from a new one. A new layout gets a new format byte and the
// decoder keeps reading the old ones.
//
// Layout, format 1 (varint: encoding/binary's zig-zag varint; uvarint:
// its unsigned varint; string: uvarint length, bytes):
//
//	time:   0x00 (zero time)
//	        | 0x01 varint unix-seconds uvarint nanoseconds (UTC)
//	        | 0x02 varint offset-minutes varint unix-seconds uvarint nanoseconds
//	        | 0x03 varint offset-seconds varint unix-seconds uvarint nanoseconds
//	date:   0x00 (zero date) | 0x01 uvarint year<<9|month<<5|day | 0x02 varint year, month, day
//	enum:   uvarint i: known[i], or len(known) followed by the string
//	sha256: 0x00 32 bytes (lowercase hex) | 0x01 string (anything else)
//
//	Reminder   (key period \0 unit \0 step \0 member):
//	           0x01 enum State, time PlannedAt, time UpdatedAt, time SentAt,
//	           string Error, string MessageID, time AckedAt
//	Member     (key UserID):
//	           0x01 string UnitCode, Name, Username, time JoinedAt, string InvitedBy,
//	           byte flags (1 Unreachable, 2 Head), time UnreachableAt,
//	           string UnreachableReason, string Person
//	Submission (key be64 ID):
//	           0x01 string PeriodID, UnitCode, varint Version,
//	           uvarint len(Files), each: sha256 SHA256, varint Size, string Name, MIME, ChannelFileID;
//	           string Note, DocNumber, date DocDate, string SubmittedBy, SubmitterName,
//	           time SubmittedAt, varint DaysLate, string Explanation, Key,
//	           enum State, string Reason, ReviewedBy, time ReviewedAt
//
// A time keeps its instant and the zone offset JSON kept, and comes back
// in the location JSON gave it: UTC for offset zero, Local when Local has
// that offset then, else a fixed zone without a name. An empty Files
// comes back nil.
const formatV1 = 0x01

// errTruncated is what every short read reports.
var errTruncated = errors.New("truncated record")

var (
	reminderStates   = []string{"", string(cchcbot.ReminderSending), string(cchcbot.ReminderSent), string(cchcbot.ReminderFailed), string(cchcbot.ReminderSkipped), string(cchcbot.ReminderExpired)}
	submissionStates = []string{"", string(cchcbot.StateSubmitted), string(cchcbot.StateAccepted), string(cchcbot.StateReturned)}
)

// isReminderKey reports whether key is r's identity, without building it.
func isReminderKey(key []byte, r *cchcbot.Reminder) bool {
	for _, part := range [...]string{r.PeriodID, r.UnitCode, r.Step} {
		if len(key) <= len(part) || string(key[:len(part)]) != part || key[len(part)] != 0 {
			return false
		}
		key = key[len(part)+1:]
	}
	return string(key) == string(r.Member)
}

// appendReminder encodes r, less its identity (the key's parts).
func appendReminder(b []byte, r *cchcbot.Reminder) []byte {
	b = append(b, formatV1)
	b = appendEnum(b, string(r.State), reminderStates)
	b = appendTime(b, r.PlannedAt)
	b = appendTime(b, r.UpdatedAt)
	b = appendTime(b, r.SentAt)
	b = appendString(b, r.Error)
	b = appendString(b, r.MessageID)
	return appendTime(b, r.AckedAt)
}

// decodeReminder decodes a binary reminder, its identity from key.
func decodeReminder(key, data []byte, r *cchcbot.Reminder) error {
	var parts [4]string
	rest := key
	for i := range 3 {
		end := bytes.IndexByte(rest, 0)
		if end < 0 {
			return fmt.Errorf("decode %q: not a reminder key", key)
		}
		parts[i], rest = string(rest[:end]), rest[end+1:]
	}
	parts[3] = string(rest)
	d := reader{b: data}
	if err := d.format(key); err != nil {
		return err
	}
	*r = cchcbot.Reminder{PeriodID: parts[0], UnitCode: parts[1], Step: parts[2], Member: cchcbot.UserID(parts[3])}
	r.State = cchcbot.ReminderState(d.enum(reminderStates))
	r.PlannedAt = d.time()
	r.UpdatedAt = d.time()
	r.SentAt = d.time()
	r.Error = d.string()
	r.MessageID = d.string()
	r.AckedAt = d.time()
	return d.done(key)
}

// appendMember encodes m, less its User (the key).
func appendMember(b []byte, m *cchcbot.Member) []byte {
	b = append(b, formatV1)
	b = appendString(b, m.UnitCode)
	b = appendString(b, m.Name)
	b = appendString(b, m.Username)
	b = appendTime(b, m.JoinedAt)
	b = appendString(b, m.InvitedBy)
	var flags byte
	if m.Unreachable {
		flags |= 1
	}
	if m.Head {
		flags |= 2
	}
	b = append(b, flags)
	b = appendTime(b, m.UnreachableAt)
	b = appendString(b, m.UnreachableReason)
	return appendString(b, string(m.Person))
}

// decodeMember decodes a binary member, its User from key.
func decodeMember(key, data []byte, m *cchcbot.Member) error {
	d := reader{b: data}
	if err := d.format(key); err != nil {
		return err
	}
	*m = cchcbot.Member{User: cchcbot.UserID(key)}
	m.UnitCode = d.string()
	m.Name = d.string()
	m.Username = d.string()
	m.JoinedAt = d.time()
	m.InvitedBy = d.string()
	flags := d.byte()
	if flags&^3 != 0 {
		d.fail(fmt.Errorf("unknown member flags %#x", flags))
	}
	m.Unreachable, m.Head = flags&1 != 0, flags&2 != 0
	m.UnreachableAt = d.time()
	m.UnreachableReason = d.string()
	m.Person = cchcbot.UserID(d.string())
	return d.done(key)
}

// appendSubmission encodes s, less its ID (the key).
func appendSubmission(b []byte, s *cchcbot.Submission) []byte {
	b = append(b, formatV1)
	b = appendString(b, s.PeriodID)
	b = appendString(b, s.UnitCode)
	b = binary.AppendVarint(b, int64(s.Version))
	b = binary.AppendUvarint(b, uint64(len(s.Files)))
	for _, f := range s.Files {
		b = appendSHA256(b, f.SHA256)
		b = binary.AppendVarint(b, f.Size)
		b = appendString(b, f.Name)
		b = appendString(b, f.MIME)
		b = appendString(b, f.ChannelFileID)
	}
	b = appendString(b, s.Note)
	b = appendString(b, s.DocNumber)
	b = appendDate(b, s.DocDate)
	b = appendString(b, string(s.SubmittedBy))
	b = appendString(b, s.SubmitterName)
	b = appendTime(b, s.SubmittedAt)
	b = binary.AppendVarint(b, int64(s.DaysLate))
	b = appendString(b, s.Explanation)
	b = appendString(b, s.Key)
	b = appendEnum(b, string(s.State), submissionStates)
	b = appendString(b, s.Reason)
	b = appendString(b, string(s.ReviewedBy))
	return appendTime(b, s.ReviewedAt)
}

// decodeSubmission decodes a binary submission, its ID from key.
func decodeSubmission(key, data []byte, s *cchcbot.Submission) error {
	if len(key) != 8 {
		return fmt.Errorf("decode %q: not a submission key", key)
	}
	d := reader{b: data}
	if err := d.format(key); err != nil {
		return err
	}
	*s = cchcbot.Submission{ID: binary.BigEndian.Uint64(key)}
	s.PeriodID = d.string()
	s.UnitCode = d.string()
	s.Version = d.int()
	// Each file takes at least five bytes: a count beyond that is a lie,
	// and must not size an allocation.
	if n := d.uvarint(); n > uint64(len(d.b)/5) {
		d.fail(fmt.Errorf("%d files in %d bytes", n, len(d.b)))
	} else if n > 0 {
		s.Files = make([]cchcbot.File, n)
		for i := range s.Files {
			f := &s.Files[i]
			f.SHA256 = d.sha256()
			f.Size = d.varint()
			f.Name = d.string()
			f.MIME = d.string()
			f.ChannelFileID = d.string()
		}
	}
	s.Note = d.string()
	s.DocNumber = d.string()
	s.DocDate = d.date()
	s.SubmittedBy = cchcbot.UserID(d.string())
	s.SubmitterName = d.string()
	s.SubmittedAt = d.time()
	s.DaysLate = d.int()
	s.Explanation = d.string()
	s.Key = d.string()
	s.State = cchcbot.SubmissionState(d.enum(submissionStates))
	s.Reason = d.string()
	s.ReviewedBy = cchcbot.UserID(d.string())
	s.ReviewedAt = d.time()
	return d.done(key)
}

// decodeSubmissionBrief decodes only ID, PeriodID, UnitCode, Version,
// SubmittedAt, DaysLate, State and Reason, stepping over the files and
// texts without copying them: a year's overview reads one per unit and
// period.
func decodeSubmissionBrief(key, data []byte, s *cchcbot.Submission) error {
	if len(key) != 8 {
		return fmt.Errorf("decode %q: not a submission key", key)
	}
	d := reader{b: data}
	if err := d.format(key); err != nil {
		return err
	}
	*s = cchcbot.Submission{ID: binary.BigEndian.Uint64(key)}
	s.PeriodID = d.string()
	s.UnitCode = d.string()
	s.Version = d.int()
	n := d.uvarint()
	if n > uint64(len(d.b)/5) { // as decodeSubmission: a count no bytes could hold
		d.fail(fmt.Errorf("%d files in %d bytes", n, len(d.b)))
	}
	for ; n > 0 && d.err == nil; n-- {
		d.skipSHA256()
		d.varint()
		d.skip()
		d.skip()
		d.skip()
	}
	d.skip() // Note
	d.skip() // DocNumber
	d.date()
	d.skip() // SubmittedBy
	d.skip() // SubmitterName
	s.SubmittedAt = d.time()
	s.DaysLate = d.int()
	d.skip() // Explanation
	d.skip() // Key
	s.State = cchcbot.SubmissionState(d.enum(submissionStates))
	s.Reason = d.string()
	d.skip() // ReviewedBy
	d.time()
	return d.done(key)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendEnum writes one of a few known strings as its index; any other
// (a state a newer version added) as itself.
func appendEnum(b []byte, s string, known []string) []byte {
	for i, k := range known {
		if k == s {
			return binary.AppendUvarint(b, uint64(i))
		}
	}
	b = binary.AppendUvarint(b, uint64(len(known)))
	return appendString(b, s)
}

// appendSHA256 writes a file's hash as its 32 bytes when it is the
// lowercase hex every stored file has, else as the string it is.
func appendSHA256(b []byte, s string) []byte {
	if len(s) == 64 {
		var sum [32]byte
		if _, err := hex.Decode(sum[:], []byte(s)); err == nil && hex.EncodeToString(sum[:]) == s {
			return append(append(b, 0), sum[:]...)
		}
	}
	return appendString(append(b, 1), s)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	_, off := t.Zone()
	switch {
	case off == 0:
		b = append(b, 1)
	case off%60 == 0:
		b = binary.AppendVarint(append(b, 2), int64(off/60))
	default:
		b = binary.AppendVarint(append(b, 3), int64(off))
	}
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

func appendDate(b []byte, d cchcbot.Date) []byte {
	switch {
	case d.IsZero():
		return append(b, 0)
	case d.Year >= 0 && d.Year < 1<<20 && d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= 31:
		return binary.AppendUvarint(append(b, 1), uint64(d.Year)<<9|uint64(d.Month)<<5|uint64(d.Day))
	}
	b = binary.AppendVarint(append(b, 2), int64(d.Year))
	b = binary.AppendVarint(b, int64(d.Month))
	return binary.AppendVarint(b, int64(d.Day))
}

// reader decodes a record. The first error sticks and every later read
// returns a zero value, so a decoder reads straight through and checks
// once, in done; nothing it reads can make it panic or allocate more
// than the record's length.
type reader struct {
	b   []byte
	err error
}

func (d *reader) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.b = nil
}

// format consumes the format byte, refusing any but the one known.
func (d *reader) format(key []byte) error {
	switch {
	case len(d.b) == 0:
		return fmt.Errorf("decode %q: empty record", key)
	case d.b[0] == '{':
		return fmt.Errorf("decode %q: record in JSON, not yet migrated", key)
	case d.b[0] != formatV1:
		return fmt.Errorf("decode %q: unknown record format %#02x", key, d.b[0])
	}
	d.b = d.b[1:]
	return nil
}

// done reports the first error, or the bytes left over.
func (d *reader) done(key []byte) error {
	switch {
	case d.err != nil:
		return fmt.Errorf("decode %q: %w", key, d.err)
	case len(d.b) > 0:
		return fmt.Errorf("decode %q: %d bytes after the record", key, len(d.b))
	}
	return nil
}

func (d *reader) byte() byte {
	if len(d.b) == 0 {
		d.fail(errTruncated)
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *reader) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(errTruncated)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *reader) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(errTruncated)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// int reads a varint that must fit an int.
func (d *reader) int() int {
	v := d.varint()
	if int64(int(v)) != v {
		d.fail(fmt.Errorf("%d overflows int", v))
		return 0
	}
	return int(v)
}

func (d *reader) bytes(n uint64) []byte {
	if n > uint64(len(d.b)) {
		d.fail(errTruncated)
		return nil
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

func (d *reader) string() string { return string(d.bytes(d.uvarint())) }

// skip steps over a string.
func (d *reader) skip() { d.bytes(d.uvarint()) }

func (d *reader) enum(known []string) string {
	i := d.uvarint()
	switch {
	case i < uint64(len(known)):
		return known[i]
	case i == uint64(len(known)):
		return d.string()
	}
	d.fail(fmt.Errorf("unknown enum value %d", i))
	return ""
}

func (d *reader) sha256() string {
	switch kind := d.byte(); kind {
	case 0:
		return hex.EncodeToString(d.bytes(32))
	case 1:
		return d.string()
	default:
		d.fail(fmt.Errorf("unknown hash kind %d", kind))
		return ""
	}
}

// skipSHA256 steps over what sha256 reads, refusing what it refuses.
func (d *reader) skipSHA256() {
	switch kind := d.byte(); kind {
	case 0:
		d.bytes(32)
	case 1:
		d.skip()
	default:
		d.fail(fmt.Errorf("unknown hash kind %d", kind))
	}
}

func (d *reader) time() time.Time {
	var off int64
	switch kind := d.byte(); kind {
	case 0:
		return time.Time{}
	case 1:
	case 2:
		off = d.varint() * 60
	case 3:
		off = d.varint()
	default:
		d.fail(fmt.Errorf("unknown time kind %d", kind))
		return time.Time{}
	}
	sec, nsec := d.varint(), d.uvarint()
	switch {
	case d.err != nil:
		return time.Time{}
	case nsec >= 1e9:
		d.fail(fmt.Errorf("%d nanoseconds", nsec))
		return time.Time{}
	case off <= -24*3600 || off >= 24*3600:
		d.fail(fmt.Errorf("zone offset %ds", off))
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	if t.IsZero() { // what appendTime writes as 0x00, in whatever zone
		return time.Time{}
	}
	if off == 0 {
		return t.UTC()
	}
	// Where JSON put it: time.Parse uses Local when Local had that offset.
	if l := t.In(time.Local); zoneOffset(l) == int(off) {
		return l
	}
	return t.In(time.FixedZone("", int(off)))
}

func zoneOffset(t time.Time) int {
	_, off := t.Zone()
	return off
}

func (d *reader) date() cchcbot.Date {
	switch kind := d.byte(); kind {
	case 0:
		return cchcbot.Date{}
	case 1:
		v := d.uvarint()
		if v>>9 >= 1<<20 {
			d.fail(fmt.Errorf("date %#x out of range", v))
			return cchcbot.Date{}
		}
		return cchcbot.Date{Year: int(v >> 9), Month: time.Month(v >> 5 & 15), Day: int(v & 31)}
	case 2:
		return cchcbot.Date{Year: d.int(), Month: time.Month(d.int()), Day: d.int()}
	default:
		d.fail(fmt.Errorf("unknown date kind %d", kind))
		return cchcbot.Date{}
	}
}
