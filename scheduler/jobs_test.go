package scheduler_test

import (
	"context"
	"errors"
	"strings"
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
