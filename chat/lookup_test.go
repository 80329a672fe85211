package chat

import (
	"strings"
	"testing"

	"cchcbot"
)

func TestFindUnits(t *testing.T) {
	units := []cchcbot.Unit{
		{Code: "xa-chau-loc", Name: "UBND xã Châu Lộc"},
		{Code: "xa-chau-ly", Name: "UBND xã Châu Lý"},
		{Code: "xa-dong-hop", Name: "UBND xã Đồng Hợp"},
		{Code: "tt-quy-hop", Name: "UBND thị trấn Quỳ Hợp"},
		{Code: "phong-noi-vu", Name: "Phòng Nội vụ"},
		{Code: "xa-cu", Name: "UBND xã Cũ", Retired: true},
	}
	for q, want := range map[string]string{
		"chau loc":     "xa-chau-loc",
		"CHAULOC":      "xa-chau-loc",
		"Châu Lộc":     "xa-chau-loc",
		"xa-chau-ly":   "xa-chau-ly",
		"dong hop":     "xa-dong-hop",
		"Đồng Hợp":     "xa-dong-hop",
		"quy hop":      "tt-quy-hop",
		"noi vu":       "phong-noi-vu",
		"chau":         "xa-chau-loc xa-chau-ly",
		"hop":          "xa-dong-hop tt-quy-hop",
		"cu":           "",
		"không có đâu": "",
	} {
		var got []string
		for _, u := range FindUnits(units, q) {
			got = append(got, u.Code)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("FindUnits(%q) = %v, want %s", q, got, want)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"UBND xã Đồng Hợp":     "ubndxadonghop",
		"ĐỒNG HỢP":             "donghop",
		"Châu  Lộc":            "chauloc",
		"Quỳ Hợp":              "quyhop",
		"Nghĩa Xuân":           "nghiaxuan",
		"Phòng Tài chính - KH": "phongtaichinhkh",
		"":                     "",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}
