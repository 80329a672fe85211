package synth_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"cchcbot/synth"
)

// TestPrepareCache generates the benchmarks' deployments ahead of time:
//
//	CCHCBOT_BENCH_PREPARE=50,1000,10000 go test -run PrepareCache -timeout 60m ./synth
//
// Without the variable it does nothing.
func TestPrepareCache(t *testing.T) {
	scales := os.Getenv("CCHCBOT_BENCH_PREPARE")
	if scales == "" {
		t.Skip("set CCHCBOT_BENCH_PREPARE to generate the benchmark deployments")
	}
	base, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range strings.Split(scales, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			t.Fatal(err)
		}
		d, err := synth.Prepare(synth.CacheDir(), base, n)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %v", d.Dir, d.Stats)
	}
}
