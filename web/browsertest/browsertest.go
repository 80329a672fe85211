// Package browsertest drives Debian's headless Chromium from Go tests with
// chromedp: one browser per test binary run, a fresh tab (in its own
// browser context, so with its own cookies) per test, and helpers that fail
// the test with what was expected and what the page showed.
//
// The browser is found as "chromium" on PATH. When it is missing the tests
// are skipped with a message saying how to install it, unless the
// environment variable CCHCBOT_REQUIRE_CHROMIUM is set (as .ci/run does):
// then they fail, so a CI run without a browser can never pass silently.
//
// Nothing here sleeps: every wait is on a condition of the page (a node
// visible, a page loaded, a download finished) bounded by the tab's
// deadline.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// RequireEnv names the environment variable that turns a missing browser
// from a skip into a failure.
const RequireEnv = "CCHCBOT_REQUIRE_CHROMIUM"

// DefaultTabTimeout bounds everything one tab does: a page that never shows
// what a test waits for fails the test instead of hanging it.
const DefaultTabTimeout = 60 * time.Second

// Width and Height are the window's size: a desktop screen, which is what
// phòng Nội vụ staff use and what the screenshots show.
const (
	Width  = 1280
	Height = 900
)

// Flags are the Chromium switches the tests run with, beyond chromedp's
// defaults. Without the network ones Chromium tries to reach Google's
// servers at start and fails noisily on a machine with a closed network.
var Flags = []chromedp.ExecAllocatorOption{
	chromedp.Headless,
	chromedp.NoSandbox, // CI runs as root, where the sandbox cannot start
	chromedp.DisableGPU,
	chromedp.NoFirstRun,
	chromedp.Flag("disable-quic", true),
	chromedp.Flag("disable-background-networking", true),
	chromedp.Flag("disable-component-update", true),
	chromedp.Flag("disable-sync", true),
	chromedp.Flag("disable-domain-reliability", true),
	chromedp.Flag("lang", "vi-VN"),
	chromedp.WindowSize(Width, Height),
}

// Browser is one running Chromium. Tabs opened from it run in parallel
// safely; the browser itself is stopped by the cleanup of the test that
// started it.
type Browser struct {
	ctx context.Context // the chromedp context that owns the browser process
}

// ExecPath returns the Chromium binary the tests use, or an error saying how
// to get one.
func ExecPath() (string, error) {
	p, err := exec.LookPath("chromium")
	if err != nil {
		return "", errors.New("chromium is not installed (apt-get install chromium)")
	}
	return p, nil
}

// New starts a headless Chromium for the test and stops it when the test
// ends. Without a browser on PATH it skips the test, or fails it when
// CCHCBOT_REQUIRE_CHROMIUM is set. Start it once per package run (in the
// one test that holds the browser tests as subtests) and open a Tab per
// subtest: a browser takes seconds to start, a tab a fraction of that.
func New(tb testing.TB) *Browser {
	tb.Helper()
	path, err := ExecPath()
	if err != nil {
		if os.Getenv(RequireEnv) != "" {
			tb.Fatalf("browser tests need Chromium (%s is set): %v", RequireEnv, err)
		}
		tb.Skipf("browser tests skipped: %v; set %s=1 to make this a failure", err, RequireEnv)
	}
	if testing.Short() && os.Getenv(RequireEnv) == "" {
		tb.Skip("browser tests skipped in -short mode: they start Chromium")
	}
	out := &syncBuffer{} // what Chromium prints, shown if it fails to start
	opts := append(chromedp.DefaultExecAllocatorOptions[:], Flags...)
	// chromedp gives every browser a fresh --user-data-dir in the temporary
	// directory and removes it, and any process still using it, on cancel.
	opts = append(opts, chromedp.ExecPath(path), chromedp.CombinedOutput(out))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	tb.Cleanup(func() {
		cancel()
		cancelAlloc() // waits for the browser to exit and its profile to go
	})
	start, cancelStart := context.WithTimeout(ctx, 30*time.Second)
	defer cancelStart()
	// The first Do starts the process; it must run on ctx itself (without a
	// deadline), or the browser would end with the deadline. A watchdog
	// cancels a start that hangs.
	stop := context.AfterFunc(start, func() {
		if errors.Is(start.Err(), context.DeadlineExceeded) {
			cancel()
		}
	})
	defer stop()
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("starting %s: %v\n%s", path, err, out.String())
	}
	return &Browser{ctx: ctx}
}

// syncBuffer is a bytes.Buffer safe for the browser's output goroutine and
// the test's reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// Chromium can be chatty; the start of its output says why it failed.
	if b.buf.Len() > 64<<10 {
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fail formats an error of an action for a test failure.
func fail(tb testing.TB, what string, err error) {
	tb.Helper()
	if errors.Is(err, context.DeadlineExceeded) {
		tb.Fatalf("%s: the page did not get there within the tab's deadline (%v)", what, err)
	}
	tb.Fatalf("%s: %v", what, err)
}
