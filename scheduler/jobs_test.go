package scheduler_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"cchcbot"
	"cchcbot/scheduler"
)

// TestJobCatchUpAtStart: a Job's CatchUp runs once when the scheduler
// starts (cron never runs what was missed), and Stop waits for it.
func TestJobCatchUpAtStart(t *testing.T) {
	f := newFixture(t, 1)
	s := f.scheduler()
	var caught, ran atomic.Int32
	s.Jobs = append(s.Jobs,
		job("backup", cchcbot.TimeOfDay{Hour: 2, Minute: 30}, &ran, &caught, nil),
		job("failing", cchcbot.TimeOfDay{Hour: 3}, &ran, &caught, errors.New("disk full")))
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := s.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if caught.Load() != 2 || ran.Load() != 0 {
		t.Errorf("catch-ups %d, runs %d; want 2 catch-ups at start and no scheduled run", caught.Load(), ran.Load())
	}
}

// TestJobBadTime: a Job at an impossible time is refused at Start.
func TestJobBadTime(t *testing.T) {
	f := newFixture(t, 1)
	s := f.scheduler()
	var n atomic.Int32
	s.Jobs = append(s.Jobs, job("backup", cchcbot.TimeOfDay{Hour: 25}, &n, &n, nil))
	err := s.Start(ctx)
	if err == nil || !strings.Contains(err.Error(), "job backup") {
		t.Fatalf("Start = %v, want a refused job spec", err)
	}
	s.Stop(ctx)
}

func job(name string, at cchcbot.TimeOfDay, ran, caught *atomic.Int32, err error) scheduler.Job {
	return scheduler.Job{Name: name, At: at,
		Run:     func(context.Context) error { ran.Add(1); return err },
		CatchUp: func(context.Context) error { caught.Add(1); return err }}
}

// TestStartUpPanicRecovered: a panic in the start-up work (a job's
// catch-up here) is logged and recovered like one in a cron job: the
// process goes on, the other catch-ups run, and Stop returns.
func TestStartUpPanicRecovered(t *testing.T) {
	f := newFixture(t, 1)
	s := f.scheduler()
	var logs strings.Builder
	var mu sync.Mutex
	s.Logger = slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), nil))
	var caught atomic.Int32
	s.Jobs = append(s.Jobs,
		scheduler.Job{Name: "boom", At: cchcbot.TimeOfDay{Hour: 2}, Run: func(context.Context) error { return nil },
			CatchUp: func(context.Context) error { panic("bbolt: freelist corrupt") }},
		job("backup", cchcbot.TimeOfDay{Hour: 2, Minute: 30}, &caught, &caught, nil))
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "panic recovered") || !strings.Contains(logs.String(), "freelist corrupt") {
		t.Errorf("the panic was not logged:\n%s", logs.String())
	}
	if caught.Load() != 1 {
		t.Errorf("the next catch-up ran %d times, want 1", caught.Load())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
