package chat

import (
	"strings"
	"testing"
	"unicode/utf8"

	"cchcbot"
)

func TestParseDocRef(t *testing.T) {
	for _, tc := range []struct {
		in, number, date string
		bad              bool
	}{
		{in: "123/KH-UBND ngày 20/01/2024", number: "123/KH-UBND", date: "20/01/2024"},
		{in: "  123/KH-UBND   Ngày 5/1/2024 ", number: "123/KH-UBND", date: "05/01/2024"},
		{in: "123/KH-UBND, 20/01/2024", number: "123/KH-UBND", date: "20/01/2024"},
		{in: "123/KH-UBND 20-01-2024", number: "123/KH-UBND", date: "20/01/2024"},
		{in: "123/KH-UBND ngày 20 tháng 01 năm 2024", number: "123/KH-UBND", date: "20/01/2024"},
		{in: "45/BC-UBND ngay 05.02.2024", number: "45/BC-UBND", date: "05/02/2024"},
		{in: "123/KH-UBND", number: "123/KH-UBND"},
		{in: "Số 07/BC-VP", number: "Số 07/BC-VP"},
		{in: "123/KH-UBND ngày 31/02/2024", bad: true},
		{in: "123/KH-UBND ngày hôm qua", bad: true},
		{in: "123/KH-UBND ngày", bad: true},
		{in: "ngày 20/01/2024", bad: true},
		{in: "", bad: true},
		{in: strings.Repeat("1", 61), bad: true},
	} {
		number, date, err := parseDocRef(tc.in)
		switch {
		case tc.bad && err == nil:
			t.Errorf("parseDocRef(%q) = %q %v, want an error", tc.in, number, date)
		case !tc.bad && (err != nil || number != tc.number || date.VN() != tc.date):
			t.Errorf("parseDocRef(%q) = %q %q %v, want %q %q", tc.in, number, date.VN(), err, tc.number, tc.date)
		case tc.bad && cchcbot.ErrorCode(err) != cchcbot.EINVALID:
			t.Errorf("parseDocRef(%q): %v is not EINVALID", tc.in, err)
		}
	}
}

func FuzzParseDocRef(f *testing.F) {
	for _, s := range []string{"123/KH-UBND ngày 20/01/2024", "45/BC ngay 5.2.2024", "x, 1/1/2024", "ngày", "12 tháng 1 năm 2024", "\xff ngày 1/1/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		number, date, err := parseDocRef(s)
		if err != nil {
			if cchcbot.ErrorCode(err) != cchcbot.EINVALID {
				t.Fatalf("parseDocRef(%q): %v", s, err)
			}
			return
		}
		if number == "" || number != strings.TrimSpace(number) || utf8.RuneCountInString(number) > maxDocNumber {
			t.Fatalf("parseDocRef(%q) number %q", s, number)
		}
		if !date.IsZero() && cchcbot.D(date.Year, date.Month, date.Day) != date {
			t.Fatalf("parseDocRef(%q) date %+v is not a real day", s, date)
		}
	})
}
