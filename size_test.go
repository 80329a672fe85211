package cchcbot_test

import (
	"testing"

	"cchcbot"
)

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{
		0:                 "0 byte",
		1023:              "1023 byte",
		512 << 10:         "512 KB",
		20 << 20:          "20 MB",
		2<<20 + 400<<10:   "2,4 MB",
		1<<30 + 300<<20:   "1,3 GB",
		5*(1<<30) + 1<<29: "5,5 GB",
	} {
		if got := cchcbot.FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
