package store_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/store"
)

// TestSecondOpenIsLocked: bbolt's flock is per open file description, so a
// second Open conflicts even within one process.
func TestSecondOpenIsLocked(t *testing.T) {
	dir := t.TempDir()
	mustOpenDir(t, dir)
	_, err := store.Open(dir, store.Options{LockTimeout: 50 * time.Millisecond})
	wantCode(t, "second Open", err, cchcbot.ELOCKED)
	if msg := cchcbot.ErrorMessage(err); !strings.Contains(msg, dir) || !strings.Contains(msg, "đang được một tiến trình khác sử dụng") {
		t.Errorf("message %q does not name the path and the cause", msg)
	}
}

const holdLockEnv = "CCHCBOT_STORE_TEST_HOLD_LOCK"

// TestLockedByAnotherProcess is the real case: `cchcbot invite` run while
// the bot holds the store. A child process (this test binary, re-executed)
// holds the lock until its stdin closes.
func TestLockedByAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLock$")
	cmd.Env = append(os.Environ(), holdLockEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		stdin.Close()
		cmd.Wait()
		t.Fatalf("child said %q (%v), want \"locked\"", line, err)
	}

	_, err = store.Open(dir, store.Options{LockTimeout: 50 * time.Millisecond})
	wantCode(t, "Open while another process holds the store", err, cchcbot.ELOCKED)

	stdin.Close() // the child's few remaining lines fit the pipe's buffer
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	db, err := store.Open(dir, store.Options{LockTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open after the child exited: %v", err)
	}
	db.Close()
}

// TestHelperHoldLock is the child of TestLockedByAnotherProcess, not a test
// of its own.
func TestHelperHoldLock(t *testing.T) {
	dir := os.Getenv(holdLockEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestLockedByAnotherProcess")
	}
	db, err := store.Open(dir, store.Options{})
	if err != nil {
		fmt.Printf("open failed: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin) // until the parent closes our stdin
	db.Close()
}
