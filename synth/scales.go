package synth

import (
	"os"
	"strconv"
	"strings"
)

// Scales returns the unit counts a benchmark runs at: $CCHCBOT_BENCH_SCALES
// (comma-separated, "50,1000,10000" for the documented table), else 50 so
// that `go test -bench .` stays quick.
func Scales() []int {
	s := os.Getenv("CCHCBOT_BENCH_SCALES")
	if s == "" {
		return []int{50}
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}
