package store_test

import (
	"bytes"
	"testing"
	"time"

	"cchcbot"
)

func TestDrafts(t *testing.T) {
	db := MustOpen(t)
	u := cchcbot.TelegramUser(11)
	_, err := db.Draft(ctx, u)
	wantCode(t, "no draft", err, cchcbot.ENOTFOUND)

	d := cchcbot.Draft{User: u, UnitCode: "xa-chau-loc", PeriodID: feb, Files: []cchcbot.File{{ChannelFileID: "F1", Name: "a.pdf"}},
		DocDate: cchcbot.DateOf(t0), Nonce: "n1"}
	if err := db.SaveDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := db.Draft(ctx, u)
	if err != nil || got.Nonce != "n1" || len(got.Files) != 1 || got.DocDate != d.DocDate || !got.CreatedAt.Equal(t0) || !got.UpdatedAt.Equal(t0) {
		t.Fatalf("draft = %+v, %v", got, err)
	}
	got.Stage, got.UpdatedAt = "confirm", t0.Add(time.Minute)
	if err := db.SaveDraft(ctx, got); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.Draft(ctx, u); again.Stage != "confirm" || !again.CreatedAt.Equal(t0) || !again.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("saved again = %+v", again)
	}
	if err := db.DeleteDraft(ctx, u); err != nil {
		t.Fatal(err)
	}
	_, err = db.Draft(ctx, u)
	wantCode(t, "deleted draft", err, cchcbot.ENOTFOUND)
	if err := db.DeleteDraft(ctx, u); err != nil {
		t.Errorf("deleting no draft = %v", err)
	}
}

func TestSecret(t *testing.T) {
	dir := t.TempDir()
	db := mustOpenDir(t, dir)
	s1, err := db.Secret(ctx, "callback", 32)
	if err != nil || len(s1) != 32 || bytes.Equal(s1, make([]byte, 32)) {
		t.Fatalf("secret = %x, %v", s1, err)
	}
	other, _ := db.Secret(ctx, "other", 32)
	if bytes.Equal(s1, other) {
		t.Error("two names share a secret")
	}
	db.Close()
	db = mustOpenDir(t, dir)
	if s2, err := db.Secret(ctx, "callback", 32); err != nil || !bytes.Equal(s1, s2) {
		t.Errorf("secret after reopen = %x, %v; want %x", s2, err, s1)
	}
	if _, err := db.Secret(ctx, "short", 4); err == nil {
		t.Error("a 4-byte secret was made")
	}
}

func TestState(t *testing.T) {
	db := MustOpen(t)
	if v, err := db.GetState(ctx, "k"); v != nil || err != nil {
		t.Errorf("state before put = %q, %v", v, err)
	}
	if err := db.PutState(ctx, "k", []byte("v1")); err != nil {
		t.Fatal(err)
	}
	db.PutState(ctx, "k", []byte("v2"))
	if v, _ := db.GetState(ctx, "k"); string(v) != "v2" {
		t.Errorf("state = %q, want v2", v)
	}
	if err := db.PutState(ctx, "empty", nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := db.GetState(ctx, "empty"); v == nil || len(v) != 0 {
		t.Errorf("an empty value reads as %#v, want empty and non-nil", v)
	}
}

func TestAudit(t *testing.T) {
	db := MustOpen(t)
	for _, action := range []string{"a", "b", "c"} {
		if err := db.Audit(ctx, cchcbot.AuditEntry{Actor: "cli", Action: action}); err != nil {
			t.Fatal(err)
		}
	}
	at := t0.Add(time.Hour)
	db.Audit(ctx, cchcbot.AuditEntry{At: at, Actor: "cli", Action: "d"})
	cases := []struct {
		after uint64
		limit int
		want  string
	}{{0, 0, "abcd"}, {1, 2, "bc"}, {3, 10, "d"}, {4, 10, ""}}
	for _, c := range cases {
		es, err := db.AuditEntries(ctx, c.after, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, e := range es {
			got += e.Action
		}
		if got != c.want {
			t.Errorf("AuditEntries(%d, %d) = %q, want %q", c.after, c.limit, got, c.want)
		}
	}
	es, _ := db.AuditEntries(ctx, 0, 0)
	if es[0].Seq != 1 || !es[0].At.Equal(t0) || !es[3].At.Equal(at) {
		t.Errorf("entries = %+v; want seq from 1, At stamped now unless given", es)
	}
}
