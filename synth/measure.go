package synth

import (
	"bufio"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Peak is the memory high-water mark of a measured call.
type Peak struct {
	// RSS is the process's peak resident set (Linux VmHWM, reset before
	// the call): Go's heap and stacks and the pages of the bbolt file the
	// call touched. Zero where /proc is not available.
	RSS int64
	// Go is the peak of the memory the Go runtime held (heap, stacks and
	// runtime structures, less what it returned to the OS), sampled every
	// millisecond.
	Go int64
}

// MeasurePeak runs f and returns the memory high-water mark it caused.
// It is not safe to measure two calls at once in one process.
func MeasurePeak(f func()) Peak {
	runtime.GC()
	resetHWM()
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	var peak int64
	read := func() {
		metrics.Read(samples)
		if v := int64(samples[0].Value.Uint64() - samples[1].Value.Uint64()); v > peak {
			peak = v
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	read()
	return Peak{RSS: readHWM(), Go: peak}
}

// resetHWM resets the kernel's peak RSS of this process ("5" to
// clear_refs, Linux 4.0 and later).
func resetHWM() {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

func readHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
