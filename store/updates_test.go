package store_test

import (
	"testing"
)

func TestUpdateBookkeeping(t *testing.T) {
	db := MustOpen(t)
	if last, err := db.LastUpdateID(ctx); err != nil || last != 0 {
		t.Fatalf("last id of a new store = %d, %v", last, err)
	}
	for _, id := range []int64{500, 501, 503} {
		if err := db.MarkUpdateHandled(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if last, _ := db.LastUpdateID(ctx); last != 503 {
		t.Errorf("last = %d, want 503", last)
	}
	for _, c := range []struct {
		id   int64
		want bool
	}{{500, true}, {501, true}, {502, false}, {503, true}, {504, false}, {7, false}} {
		if got, err := db.UpdateHandled(ctx, c.id); err != nil || got != c.want {
			t.Errorf("UpdateHandled(%d) = %v, %v; want %v", c.id, got, err, c.want)
		}
	}
	// Telegram restarted its ids lower: a lower id is new, not seen, and
	// does not lower the last id.
	if err := db.MarkUpdateHandled(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if last, _ := db.LastUpdateID(ctx); last != 503 {
		t.Errorf("last after a lower id = %d, want 503", last)
	}
	if got, _ := db.UpdateHandled(ctx, 7); !got {
		t.Error("id 7 not remembered")
	}
	if err := db.MarkUpdateHandled(ctx, 7); err != nil {
		t.Errorf("marking an id twice = %v", err)
	}
}

// TestUpdateIDsBounded: the set keeps the most recently marked ids, by
// insertion, not by value.
func TestUpdateIDsBounded(t *testing.T) {
	db := MustOpen(t)
	db.SetMaxHandledUpdates(3)
	for _, id := range []int64{10, 11, 12, 5, 13} {
		if err := db.MarkUpdateHandled(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	for id, want := range map[int64]bool{10: false, 11: false, 12: true, 5: true, 13: true} {
		if got, _ := db.UpdateHandled(ctx, id); got != want {
			t.Errorf("UpdateHandled(%d) = %v, want %v", id, got, want)
		}
	}
	if last, _ := db.LastUpdateID(ctx); last != 13 {
		t.Errorf("last = %d, want 13", last)
	}
	// Lowering the bound further drops the surplus at the next mark.
	db.SetMaxHandledUpdates(1)
	db.MarkUpdateHandled(ctx, 14)
	for id, want := range map[int64]bool{12: false, 5: false, 13: false, 14: true} {
		if got, _ := db.UpdateHandled(ctx, id); got != want {
			t.Errorf("after lowering the bound, UpdateHandled(%d) = %v, want %v", id, got, want)
		}
	}
}
