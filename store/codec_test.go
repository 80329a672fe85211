package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"cchcbot"
)

var (
	ict  = time.FixedZone("ICT", 7*3600)
	hcmc = mustLoad("Asia/Ho_Chi_Minh")
	// lmt is Saigon's mean time before 1906: an offset of whole seconds.
	lmt = time.FixedZone("LMT", 7*3600+6*60+40)
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func fullReminder() cchcbot.Reminder {
	return cchcbot.Reminder{
		PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", Step: "overdue-2", Member: "telegram:100000123",
		State:     cchcbot.ReminderSent,
		PlannedAt: time.Date(2024, 2, 12, 8, 0, 0, 0, ict),
		UpdatedAt: time.Date(2024, 2, 12, 8, 0, 3, 123456789, time.UTC),
		SentAt:    time.Date(2024, 2, 12, 15, 0, 3, 5, hcmc),
		Error:     "Người dùng đã chặn bot",
		MessageID: "4711",
		AckedAt:   time.Date(2024, 2, 12, 9, 30, 0, 0, ict),
	}
}

func fullMember() cchcbot.Member {
	return cchcbot.Member{
		User: "zalo:8812345", UnitCode: "xa-dong-hop", Name: "Nguyễn Thị Hồng", Username: "hongnt",
		JoinedAt: time.Date(2023, 12, 1, 7, 45, 0, 0, ict), InvitedBy: "telegram:9001",
		Unreachable: true, UnreachableAt: time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC), UnreachableReason: "blocked",
		Head: true, Person: "telegram:100000124",
	}
}

func fullSubmission() cchcbot.Submission {
	return cchcbot.Submission{
		ID: 60559, PeriodID: "bao-cao-thang/2024-02", UnitCode: "xa-chau-loc", Version: 3,
		Files: []cchcbot.File{
			{SHA256: strings.Repeat("0123456789abcdef", 4), Size: 1 << 20, Name: "Báo cáo tháng 2.docx", MIME: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ChannelFileID: "BQACAgUAAxkBAAIBQ2Xy"},
			{SHA256: strings.Repeat("0123456789ABCDEF", 4), Size: 0, Name: "upper.pdf", MIME: "application/pdf"},
			{SHA256: "not-a-hash", Size: -1},
		},
		Note: "Đã triển khai", DocNumber: "12/BC-UBND", DocDate: cchcbot.D(2024, 2, 9),
		SubmittedBy: "telegram:100000123", SubmitterName: "Lê Văn A", SubmittedAt: time.Date(2024, 2, 13, 16, 59, 59, 999999999, ict),
		DaysLate: 1, Explanation: "Mất điện", Key: "draft-nonce-1",
		State: cchcbot.StateReturned, Reason: "Thiếu chữ ký", ReviewedBy: "telegram:9001", ReviewedAt: time.Date(2024, 2, 14, 8, 0, 0, 0, ict),
	}
}

// viaJSON is what the JSON store gave back for v: the behaviour the
// binary records must keep.
func viaJSON[T any](t *testing.T, v T) T {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if s, ok := any(&out).(*cchcbot.Submission); ok && len(s.Files) == 0 {
		s.Files = nil // binary keeps no difference between none and empty
	}
	return out
}

// roundTrip encodes v under key through put's encoder and decodes it
// through get's decoder.
func roundTrip[T any](t *testing.T, key []byte, v T) T {
	t.Helper()
	data, err := encode(key, v)
	if err != nil {
		t.Fatalf("encode %+v: %v", v, err)
	}
	if len(data) == 0 || data[0] != formatV1 {
		t.Fatalf("encode %+v = % x; want format byte %#x first", v, data, formatV1)
	}
	var out T
	if err := decode(key, data, &out); err != nil {
		t.Fatalf("decode % x: %v", data, err)
	}
	return out
}

func TestCodecRoundTripsAsJSONDid(t *testing.T) {
	reminders := map[string]cchcbot.Reminder{
		"full": fullReminder(),
		"fresh": {PeriodID: "p", UnitCode: "u", Step: "due", Member: "telegram:1", State: cchcbot.ReminderSending,
			PlannedAt: time.Date(2024, 2, 12, 8, 0, 0, 0, ict)},
		"unknown state":  {PeriodID: "p", UnitCode: "u", Step: "s", Member: "m", State: "bounced"},
		"before 1970":    {PeriodID: "p", UnitCode: "u", Step: "s", Member: "m", PlannedAt: time.Date(1905, 1, 1, 0, 0, 0, 1, ict)},
		"local offset":   {PeriodID: "p", UnitCode: "u", Step: "s", Member: "m", SentAt: time.Date(2024, 5, 5, 5, 5, 5, 5, time.Local)},
		"west of london": {PeriodID: "p", UnitCode: "u", Step: "s", Member: "m", SentAt: time.Date(2024, 5, 5, 5, 5, 5, 5, time.FixedZone("", -9*3600-30*60))},
	}
	for name, r := range reminders {
		t.Run("reminder/"+name, func(t *testing.T) {
			key := reminderKey(r.PeriodID, r.UnitCode, r.Step, r.Member)
			if got, want := roundTrip(t, key, r), viaJSON(t, r); !reflect.DeepEqual(got, want) {
				t.Errorf("round trip =\n%+v\nwant (as JSON gave)\n%+v", got, want)
			}
		})
	}
	members := map[string]cchcbot.Member{
		"full":    fullMember(),
		"minimal": {User: "telegram:1", UnitCode: "u"},
		"head":    {User: "telegram:2", UnitCode: "u", Head: true, JoinedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for name, m := range members {
		t.Run("member/"+name, func(t *testing.T) {
			if got, want := roundTrip(t, []byte(m.User), m), viaJSON(t, m); !reflect.DeepEqual(got, want) {
				t.Errorf("round trip =\n%+v\nwant (as JSON gave)\n%+v", got, want)
			}
		})
	}
	odd := fullSubmission()
	odd.DocDate = cchcbot.Date{Year: -3, Month: 14, Day: 0} // not a date, yet it must come back
	odd.Version, odd.DaysLate = -1, -2
	submissions := map[string]cchcbot.Submission{
		"full":       fullSubmission(),
		"no files":   {ID: 1, PeriodID: "p", UnitCode: "u", Version: 1, Note: "x", State: cchcbot.StateSubmitted},
		"empty":      {ID: 1<<64 - 1, Files: []cchcbot.File{}},
		"odd values": odd,
	}
	for name, s := range submissions {
		t.Run("submission/"+name, func(t *testing.T) {
			if got, want := roundTrip(t, be64(s.ID), s), viaJSON(t, s); !reflect.DeepEqual(got, want) {
				t.Errorf("round trip =\n%+v\nwant (as JSON gave)\n%+v", got, want)
			}
		})
	}
}

// JSON cannot hold a year past 9999, and writes an offset of whole
// seconds (Saigon's mean time) in minutes, moving the instant; the binary
// layout keeps both instant and offset.
func TestCodecKeepsTimesJSONCannot(t *testing.T) {
	for _, at := range []time.Time{time.Date(12024, 1, 1, 0, 0, 0, 7, ict), time.Date(1905, 1, 1, 0, 0, 0, 1, lmt)} {
		r := cchcbot.Reminder{PeriodID: "p", UnitCode: "u", Step: "s", Member: "m", PlannedAt: at}
		got := roundTrip(t, reminderKey("p", "u", "s", "m"), r)
		_, off := got.PlannedAt.Zone()
		if _, want := at.Zone(); !got.PlannedAt.Equal(at) || off != want {
			t.Errorf("PlannedAt = %v; want %v", got.PlannedAt, at)
		}
	}
}

// fill sets every field of v, recursively, to something not zero, so
// that a field the codec forgets fails the round trip.
func fill(t *testing.T, v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x" + path)
	case reflect.Int, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint64:
		v.SetUint(7)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range v.Len() {
			fill(t, v.Index(i), path)
		}
	case reflect.Struct:
		switch v.Interface().(type) {
		case time.Time:
			v.Set(reflect.ValueOf(time.Date(2024, 2, 3, 4, 5, 6, 7, time.UTC)))
			return
		case cchcbot.Date:
			v.Set(reflect.ValueOf(cchcbot.D(2024, 2, 3)))
			return
		}
		for i := range v.NumField() {
			fill(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	default:
		t.Fatalf("%s: no way to fill a %s: teach fill and the codec", path, v.Type())
	}
}

// A field added to Reminder, Member, Submission or File and not to the
// codec fails here, not in a province's data.
func TestCodecCoversEveryField(t *testing.T) {
	var r cchcbot.Reminder
	fill(t, reflect.ValueOf(&r).Elem(), "Reminder")
	if got := roundTrip(t, reminderKey(r.PeriodID, r.UnitCode, r.Step, r.Member), r); !reflect.DeepEqual(got, r) {
		t.Errorf("reminder round trip =\n%+v\nwant\n%+v", got, r)
	}
	var m cchcbot.Member
	fill(t, reflect.ValueOf(&m).Elem(), "Member")
	if got := roundTrip(t, []byte(m.User), m); !reflect.DeepEqual(got, m) {
		t.Errorf("member round trip =\n%+v\nwant\n%+v", got, m)
	}
	var s cchcbot.Submission
	fill(t, reflect.ValueOf(&s).Elem(), "Submission")
	if got := roundTrip(t, be64(s.ID), s); !reflect.DeepEqual(got, s) {
		t.Errorf("submission round trip =\n%+v\nwant\n%+v", got, s)
	}
}

func TestCodecIsCompact(t *testing.T) {
	r := fullReminder()
	key := reminderKey(r.PeriodID, r.UnitCode, r.Step, r.Member)
	bin, _ := encode(key, &r)
	js, _ := json.Marshal(r)
	if len(bin)*3 > len(js) {
		t.Errorf("reminder: %d bytes binary, %d JSON; want under a third", len(bin), len(js))
	}
	if z, _ := encode(key, &cchcbot.Reminder{PeriodID: r.PeriodID, UnitCode: r.UnitCode, Step: r.Step, Member: r.Member}); len(z) != 8 {
		t.Errorf("empty reminder = % x; want 8 bytes: format, state, a byte per zero time and empty string", z)
	}
}

func TestDecodeRejects(t *testing.T) {
	r, m, s := fullReminder(), fullMember(), fullSubmission()
	rk, mk, sk := reminderKey(r.PeriodID, r.UnitCode, r.Step, r.Member), []byte(m.User), be64(s.ID)
	records := []struct {
		name string
		key  []byte
		data []byte
		dst  func() any
	}{
		{"reminder", rk, appendReminder(nil, &r), func() any { return new(cchcbot.Reminder) }},
		{"member", mk, appendMember(nil, &m), func() any { return new(cchcbot.Member) }},
		{"submission", sk, appendSubmission(nil, &s), func() any { return new(cchcbot.Submission) }},
	}
	for _, rec := range records {
		t.Run(rec.name, func(t *testing.T) {
			for n := range len(rec.data) {
				if err := decode(rec.key, rec.data[:n], rec.dst()); err == nil {
					t.Errorf("decode of the first %d of %d bytes: no error", n, len(rec.data))
				}
			}
			if err := decode(rec.key, append(bytes.Clone(rec.data), 0), rec.dst()); err == nil || !strings.Contains(err.Error(), "after the record") {
				t.Errorf("decode with a byte more: %v; want an error of bytes after the record", err)
			}
			other := append([]byte{0x02}, rec.data[1:]...)
			if err := decode(rec.key, other, rec.dst()); err == nil || !strings.Contains(err.Error(), "0x02") || !strings.Contains(err.Error(), fmt.Sprintf("%q", rec.key)) {
				t.Errorf("decode of format 0x02: %v; want an error naming the format and the key", err)
			}
			if err := decode(rec.key, []byte(`{"State":"sent"}`), rec.dst()); err == nil || !strings.Contains(err.Error(), "JSON") {
				t.Errorf("decode of JSON: %v; want an error: the store was not migrated", err)
			}
		})
	}
	// A length that says more than there is must fail, not allocate it.
	huge := appendString([]byte{formatV1}, "")
	huge = huge[:1]
	huge = append(huge, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)
	if err := decode(mk, huge, new(cchcbot.Member)); err == nil {
		t.Error("decode of a string 2^63 long: no error")
	}
	files := []byte{formatV1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}
	if err := decode(sk, files, new(cchcbot.Submission)); err == nil || !strings.Contains(err.Error(), "files") {
		t.Errorf("decode of 2^32 files in a few bytes: %v; want an error", err)
	}
	if err := decode([]byte("p\x00u\x00s"), appendReminder(nil, &r), new(cchcbot.Reminder)); err == nil {
		t.Error("decode of a reminder under a three-part key: no error")
	}
	if err := decode([]byte{1, 2, 3}, appendSubmission(nil, &s), new(cchcbot.Submission)); err == nil {
		t.Error("decode of a submission under a three-byte key: no error")
	}
}

func TestEncodeRefusesAnotherKey(t *testing.T) {
	r, m, s := fullReminder(), fullMember(), fullSubmission()
	for _, c := range []struct {
		key []byte
		v   any
	}{
		{reminderKey(r.PeriodID, r.UnitCode, "due", r.Member), r},
		{[]byte("telegram:1"), &m},
		{be64(s.ID + 1), s},
	} {
		if _, err := encode(c.key, c.v); err == nil {
			t.Errorf("encode %T under %q: no error", c.v, c.key)
		}
	}
}

func TestSubmissionBriefMatchesFull(t *testing.T) {
	s := fullSubmission()
	data := appendSubmission(nil, &s)
	var b cchcbot.Submission
	if err := decodeSubmissionBrief(be64(s.ID), data, &b); err != nil {
		t.Fatal(err)
	}
	full := viaJSON(t, s)
	want := cchcbot.Submission{ID: s.ID, PeriodID: s.PeriodID, UnitCode: s.UnitCode, Version: s.Version,
		SubmittedAt: full.SubmittedAt, DaysLate: s.DaysLate, State: s.State, Reason: s.Reason}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("brief =\n%+v\nwant\n%+v", b, want)
	}
	for n := range len(data) {
		if err := decodeSubmissionBrief(be64(s.ID), data[:n], &b); err == nil {
			t.Errorf("brief of the first %d of %d bytes: no error", n, len(data))
		}
	}
}

func TestIsReminderKey(t *testing.T) {
	r := fullReminder()
	for _, c := range []struct {
		key  string
		want bool
	}{
		{string(reminderKey(r.PeriodID, r.UnitCode, r.Step, r.Member)), true},
		{string(reminderKey(r.PeriodID, r.UnitCode, r.Step, r.Member+"x")), false},
		{string(reminderKey(r.PeriodID, r.UnitCode, "due", r.Member)), false},
		{string(reminderKey(r.PeriodID+"x", r.UnitCode, r.Step, r.Member)), false},
		{r.PeriodID + "\x00" + r.UnitCode, false},
		{"", false},
	} {
		if got := isReminderKey([]byte(c.key), &r); got != c.want {
			t.Errorf("isReminderKey(%q) = %v; want %v", c.key, got, c.want)
		}
	}
}

// BenchmarkDecodeReminder compares the binary decoder with the JSON one it
// replaced, on a full record.
func BenchmarkDecodeReminder(b *testing.B) {
	r := fullReminder()
	key := reminderKey(r.PeriodID, r.UnitCode, r.Step, r.Member)
	bin := appendReminder(nil, &r)
	js, _ := json.Marshal(r)
	b.Run("binary", func(b *testing.B) {
		for b.Loop() {
			var out cchcbot.Reminder
			if err := decode(key, bin, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			var out cchcbot.Reminder
			if err := json.Unmarshal(js, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
