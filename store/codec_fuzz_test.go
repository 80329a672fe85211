package store

import (
	"bytes"
	"reflect"
	"testing"

	"cchcbot"
)

// The fuzz tests feed the decoders arbitrary bytes (seeded with records
// like the synthetic province's, and more in testdata/fuzz): they must
// never panic, and whatever they accept must encode back to something
// that decodes to the same record and encodes to the same bytes again.

func FuzzDecodeReminder(f *testing.F) {
	r := fullReminder()
	f.Add(reminderKey(r.PeriodID, r.UnitCode, r.Step, r.Member), appendReminder(nil, &r))
	f.Add([]byte("p\x00u\x00due\x00telegram:1"), appendReminder(nil, &cchcbot.Reminder{PeriodID: "p", UnitCode: "u", Step: "due", Member: "telegram:1"}))
	f.Add([]byte("p\x00u\x00s\x00m"), []byte(`{"State":"sent"}`))
	f.Fuzz(func(t *testing.T, key, data []byte) {
		var r cchcbot.Reminder
		if decode(key, data, &r) != nil {
			return
		}
		checkRoundTrip(t, key, &r, new(cchcbot.Reminder))
	})
}

func FuzzDecodeMember(f *testing.F) {
	m := fullMember()
	f.Add([]byte(m.User), appendMember(nil, &m))
	f.Add([]byte("telegram:1"), appendMember(nil, &cchcbot.Member{User: "telegram:1", UnitCode: "u"}))
	f.Fuzz(func(t *testing.T, key, data []byte) {
		var m cchcbot.Member
		if decode(key, data, &m) != nil {
			return
		}
		checkRoundTrip(t, key, &m, new(cchcbot.Member))
	})
}

func FuzzDecodeSubmission(f *testing.F) {
	s := fullSubmission()
	f.Add(be64(s.ID), appendSubmission(nil, &s))
	f.Add(be64(1), appendSubmission(nil, &cchcbot.Submission{ID: 1, Note: "x"}))
	f.Fuzz(func(t *testing.T, key, data []byte) {
		var s cchcbot.Submission
		if decode(key, data, &s) != nil {
			var b cchcbot.Submission
			if decodeSubmissionBrief(key, data, &b) == nil {
				t.Fatalf("brief decoder accepts % x, the full one does not", data)
			}
			return
		}
		var b cchcbot.Submission
		if err := decodeSubmissionBrief(key, data, &b); err != nil {
			t.Fatalf("brief decoder refuses what the full one accepts: %v", err)
		}
		checkRoundTrip(t, key, &s, new(cchcbot.Submission))
	})
}

// checkRoundTrip encodes rec, decodes it into fresh and checks both the
// record and its encoding come back the same.
func checkRoundTrip(t *testing.T, key []byte, rec, fresh any) {
	t.Helper()
	enc, err := encode(key, rec)
	if err != nil {
		t.Fatalf("encode of a decoded record: %v", err)
	}
	if err := decode(key, enc, fresh); err != nil {
		t.Fatalf("decode of % x: %v", enc, err)
	}
	if !reflect.DeepEqual(rec, fresh) {
		t.Fatalf("round trip =\n%+v\nwant\n%+v", fresh, rec)
	}
	again, err := encode(key, fresh)
	if err != nil || !bytes.Equal(again, enc) {
		t.Fatalf("encoding again = % x, %v; want % x", again, err, enc)
	}
}
