package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"cchcbot"
	"cchcbot/store"
)

// dumpBolt reads every bucket, key, value and sequence of the bbolt file at
// path, nested buckets included, as lines in order.
func dumpBolt(t *testing.T, path string) []string {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var lines []string
	var walk func(prefix string, bk *bolt.Bucket)
	walk = func(prefix string, bk *bolt.Bucket) {
		lines = append(lines, fmt.Sprintf("%s seq=%d", prefix, bk.Sequence()))
		bk.ForEach(func(k, v []byte) error {
			if sub := bk.Bucket(k); sub != nil {
				walk(prefix+"/"+fmt.Sprintf("%x", k), sub)
				return nil
			}
			lines = append(lines, fmt.Sprintf("%s %x=%x", prefix, k, v))
			return nil
		})
	}
	if err := b.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			walk(fmt.Sprintf("%x", name), bk)
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return lines
}

// bloatDrafts fills db with n drafts of big notes, plus a few records of other
// kinds, then deletes all drafts but every tenth: the file keeps its size.
func bloatDrafts(t *testing.T, db *store.DB, n int) {
	t.Helper()
	seedUnits(t, db)
	f := putFile(t, db, "báo cáo")
	for i := range 5 {
		s := &cchcbot.Submission{PeriodID: feb, UnitCode: testUnits[i%len(testUnits)].Code, SubmittedBy: "telegram:1", Files: []cchcbot.File{f}}
		if err := db.CreateSubmission(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Queue(ctx, reply("telegram:1", "xin chào")); err != nil {
		t.Fatal(err)
	}
	note := strings.Repeat("Ghi chú dài của hồ sơ đang soạn. ", 1000) // 36 KB: overflow pages
	for i := range n {
		if err := db.SaveDraft(ctx, cchcbot.Draft{User: cchcbot.TelegramUser(int64(i)), UnitCode: "xa-chau-loc", Note: note}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		if i%10 != 0 {
			if err := db.DeleteDraft(ctx, cchcbot.TelegramUser(int64(i))); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// nestBucket adds what the store's own buckets lack but a compaction must
// keep: a nested bucket, sequences, an empty value.
func nestBucket(t *testing.T, path string) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Update(func(tx *bolt.Tx) error {
		top, err := tx.CreateBucket([]byte("zz-test"))
		if err != nil {
			return err
		}
		inner, err := top.CreateBucket([]byte("inner"))
		if err != nil {
			return err
		}
		top.SetSequence(7)
		inner.SetSequence(42)
		if err := inner.Put([]byte("empty"), []byte{}); err != nil {
			return err
		}
		return top.Put([]byte("k"), []byte("v"))
	}); err != nil {
		t.Fatal(err)
	}
}

// noCompactFile fails if a compaction's file is left in dir.
func noCompactFile(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, store.CompactName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s left in the data dir (%v)", store.CompactName, err)
	}
}

// TestCompactOffline: compaction shrinks a store after deletions and keeps
// every bucket, key, value and sequence byte for byte; the store works on.
func TestCompactOffline(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	bloatDrafts(t, db, 150)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	nestBucket(t, filepath.Join(dir, store.FileName))
	before := dumpBolt(t, filepath.Join(dir, store.FileName))

	db = mustOpenDir(t, dir)
	res, err := db.Compact(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if res.SizeAfter != fi.Size() || res.SizeAfter >= res.SizeBefore/2 {
		t.Errorf("size %d → %d (file %d): want it at least halved", res.SizeBefore, res.SizeAfter, fi.Size())
	}
	if res.Keys < 20 || res.Buckets < 10 {
		t.Errorf("copied %d keys in %d buckets, want ≥ 20 in ≥ 10", res.Keys, res.Buckets)
	}
	noCompactFile(t, dir)
	// The DB goes on, on the new file.
	if err := db.SaveDraft(ctx, cchcbot.Draft{User: "telegram:99999", Note: "sau khi thu gọn"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err != nil {
		t.Error(err)
	}
	if err := db.DeleteDraft(ctx, "telegram:99999"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	after := dumpBolt(t, filepath.Join(dir, store.FileName))
	if len(after) != len(before) {
		t.Fatalf("%d lines after, %d before", len(after), len(before))
	}
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("line %d differs:\n%.200s\n%.200s", i, before[i], after[i])
		}
	}
}

// TestCompactLive: while writers keep writing through the public API
// (one commit each: CreateSubmission; batched: Queue) and readers read,
// a compaction pauses the writes, swaps the file and resumes them:
// every write is kept, none fails.
func TestCompactLive(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	bloatDrafts(t, db, 50)
	subs0 := countAllSubmissions(t, db)
	out0, err := db.OutboxLen(ctx)
	if err != nil {
		t.Fatal(err)
	}

	const writers = 8
	var (
		attempts, done atomic.Int64
		subs, queued   atomic.Int64
		stop           = make(chan struct{})
		wg             sync.WaitGroup
		errs           = make(chan error, 2*writers)
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				attempts.Add(1)
				var err error
				if w%2 == 0 {
					s := &cchcbot.Submission{PeriodID: feb, UnitCode: fmt.Sprintf("u%d-%d", w, i), SubmittedBy: "telegram:1", Note: "ghi"}
					if err = db.CreateSubmission(ctx, s); err == nil {
						subs.Add(1)
					}
				} else {
					if err = db.Queue(ctx, reply("telegram:1", fmt.Sprintf("tin %d-%d", w, i))); err == nil {
						queued.Add(1)
					}
				}
				done.Add(1)
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	// Readers, to be held at the swap.
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := db.SubmissionsForPeriod(ctx, feb); err != nil {
					errs <- err
					return
				}
			}
		}()
	}

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for end := time.Now().Add(30 * time.Second); !cond(); {
			if time.Now().After(end) {
				t.Fatalf("timed out waiting for %s", what)
			}
			select {
			case err := <-errs:
				t.Fatal(err)
			default:
			}
			time.Sleep(time.Millisecond)
		}
	}
	waitFor("the first writes", func() bool { return done.Load() >= writers })
	// At the copy, writes are paused: every writer ends up waiting in a
	// call, none finishes one until the swap.
	var doneAtPause int64
	db.OnCompact(func(stage string) error {
		if stage == "copy" {
			waitFor("every writer to wait", func() bool { return attempts.Load()-done.Load() == writers })
			doneAtPause = done.Load()
		}
		if stage == "rename" && done.Load() != doneAtPause {
			return fmt.Errorf("%d writes finished while writes were paused", done.Load()-doneAtPause)
		}
		return nil
	})
	res, err := db.Compact(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Each writer writes again, on the new file.
	waitFor("writes after the swap", func() bool { return done.Load() >= doneAtPause+2*writers })
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if res.SizeAfter >= res.SizeBefore {
		t.Errorf("size %d → %d", res.SizeBefore, res.SizeAfter)
	}
	noCompactFile(t, dir)

	check := func(db *store.DB) {
		t.Helper()
		if got, want := countAllSubmissions(t, db), subs0+int(subs.Load()); got != want {
			t.Errorf("%d submissions, want %d", got, want)
		}
		if got, err := db.OutboxLen(ctx); err != nil || got != out0+int(queued.Load()) {
			t.Errorf("outbox holds %d (%v), want %d", got, err, out0+int(queued.Load()))
		}
	}
	check(db)
	if err := db.Check(); err != nil {
		t.Error(err)
	}
	// And they are in the file.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	check(mustOpenDir(t, dir))
}

func countAllSubmissions(t *testing.T, db *store.DB) int {
	t.Helper()
	n := 0
	if err := db.AllSubmissions(ctx, func(*cchcbot.Submission) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCompactFailureKeepsOriginal: a compaction that fails at any stage
// leaves the original file in use, unchanged, and no partial file.
func TestCompactFailureKeepsOriginal(t *testing.T) {
	for _, stage := range []string{"copy", "copied", "check", "rename", "cancel"} {
		t.Run(stage, func(t *testing.T) {
			dir := t.TempDir()
			db := mustOpenDir(t, dir)
			bloatDrafts(t, db, 30)
			orig, err := os.Stat(db.Path())
			if err != nil {
				t.Fatal(err)
			}
			injected := errors.New("injected")
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			db.OnCompact(func(s string) error {
				switch {
				case stage == "cancel" && s == "copy":
					cancel()
				case s == stage:
					return injected
				}
				return nil
			})
			_, err = db.Compact(cctx)
			switch {
			case stage == "cancel" && !errors.Is(err, context.Canceled):
				t.Fatalf("Compact after a cancel = %v, want context.Canceled", err)
			case stage != "cancel" && !errors.Is(err, injected):
				t.Fatalf("Compact = %v, want the injected error", err)
			}
			if msg := cchcbot.ErrorMessage(err); !strings.Contains(msg, "Chưa thu gọn được") || !strings.Contains(msg, "giữ nguyên") {
				t.Errorf("message %q does not say the store is unchanged", msg)
			}
			noCompactFile(t, dir)
			now, err := os.Stat(db.Path())
			if err != nil || !os.SameFile(orig, now) {
				t.Fatalf("the database file was replaced (%v)", err)
			}
			// The DB goes on, on the original file, and can compact later.
			if err := db.SaveDraft(ctx, cchcbot.Draft{User: "telegram:99999", Note: "sau lỗi"}); err != nil {
				t.Fatal(err)
			}
			db.OnCompact(nil)
			if _, err := db.Compact(ctx); err != nil {
				t.Fatal(err)
			}
			if d, err := db.Draft(ctx, "telegram:99999"); err != nil || d.Note != "sau lỗi" {
				t.Errorf("draft after compaction: %+v, %v", d, err)
			}
		})
	}
}

// TestCompactRemovesStaleFile: a crash mid-compaction leaves a partial
// file beside the database; the next Open removes it, and so does a
// compaction.
func TestCompactRemovesStaleFile(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, store.CompactName)
	db := mustOpenDir(t, dir)
	seedUnits(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, bytes.Repeat([]byte("x"), 8192), 0o600); err != nil {
		t.Fatal(err)
	}
	db = mustOpenDir(t, dir)
	noCompactFile(t, dir)

	if err := os.WriteFile(stale, bytes.Repeat([]byte("x"), 8192), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Compact(ctx); err != nil {
		t.Fatalf("Compact over a stale file: %v", err)
	}
	noCompactFile(t, dir)
	if units, err := db.Units(ctx); err != nil || len(units) != len(testUnits) {
		t.Errorf("units after compaction: %d, %v", len(units), err)
	}
}

// TestCompactClosed: a closed store refuses to compact, and leaves no file.
func TestCompactClosed(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	db.Close()
	if _, err := db.Compact(ctx); err == nil {
		t.Error("a closed store compacted")
	}
	noCompactFile(t, dir)
}

// TestCompactRefusesSymlink: a database that is a link to a file
// elsewhere is not compacted: the rename would replace the link.
func TestCompactRefusesSymlink(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	db := mustOpenDir(t, dir)
	seedUnits(t, db)
	db.Close()
	target := filepath.Join(elsewhere, store.FileName)
	if err := os.Rename(filepath.Join(dir, store.FileName), target); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, store.FileName)); err != nil {
		t.Fatal(err)
	}
	db = mustOpenDir(t, dir)
	_, err := db.Compact(ctx)
	wantCode(t, "Compact through a symlink", err, cchcbot.EINVALID)
	if fi, err := os.Lstat(db.Path()); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced (%v)", err)
	}
	noCompactFile(t, dir)
}

// TestCompactReadOnly: a store opened read-only is not compacted.
func TestCompactReadOnly(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	seedUnits(t, db)
	db.Close()
	ro, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Compact(ctx); err == nil {
		t.Error("a read-only store compacted")
	}
	noCompactFile(t, dir)
}
