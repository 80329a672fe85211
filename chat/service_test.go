package chat

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"cchcbot"
)

// TestConcurrentChatsAndReload: the adapter runs one goroutine per chat
// while a config reload swaps the calendar; every chat ends with its own
// single version and distinct receipts.
func TestConcurrentChatsAndReload(t *testing.T) {
	h := newHarness(t, testUnits())
	units := []string{"xa-chau-loc", "xa-chau-dinh", "xa-chau-ly", "xa-dong-hop", "tt-quy-hop", "van-phong"}
	var people []person
	for i, u := range units {
		p := person{cchcbot.TelegramUser(int64(5000 + i)), "Thành viên " + u}
		h.join(p, u)
		people = append(people, p)
	}
	signer := h.svc.opts.Signer
	stop := make(chan struct{})
	reloaded := make(chan struct{})
	go func() {
		defer close(reloaded)
		for {
			select {
			case <-stop:
				return
			default:
				h.svc.SetCalendar(testCalendar())
				runtime.Gosched()
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, len(people))
	for i, p := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("concurrent-%d", i)
			h.ch.mu.Lock()
			h.ch.files[id] = []byte("%PDF " + id)
			h.ch.mu.Unlock()
			step := func(in cchcbot.Incoming) error {
				in.User, in.Name = p.ID, p.Name
				return h.svc.Handle(h.ctx, in)
			}
			press := func(action string, fields ...string) error {
				data, err := signer.Sign(p.ID, action, fields...)
				if err != nil {
					return err
				}
				return step(cchcbot.Incoming{Callback: &cchcbot.CallbackPress{ID: id + action, Data: data}})
			}
			if err := step(cchcbot.Incoming{Files: []cchcbot.IncomingFile{{ChannelFileID: id, Name: "bc.pdf", Size: 20}}}); err != nil {
				errs <- err
				return
			}
			d, err := h.db.Draft(h.ctx, p.ID)
			if err != nil {
				errs <- err
				return
			}
			for _, err := range []error{
				press(cchcbot.ActionPickPeriod, d.Nonce, "bao-cao-thang/2024-02"),
				press(cchcbot.ActionSkip, d.Nonce),
				press(cchcbot.ActionConfirm, d.Nonce),
			} {
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-reloaded
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	latest, err := h.db.LatestSubmissions(h.ctx, "bao-cao-thang/2024-02")
	if err != nil {
		t.Fatal(err)
	}
	receipts := map[string]bool{}
	for _, u := range units {
		vs := h.versions("bao-cao-thang/2024-02", u)
		if len(vs) != 1 {
			t.Errorf("%s has %d versions", u, len(vs))
			continue
		}
		receipts[vs[0].ReceiptNo()] = true
	}
	if len(receipts) != len(units) || len(latest) != len(units) {
		t.Errorf("receipts %v for %d units", receipts, len(units))
	}
}

// TestInternalErrorsAreNotShown: a fault of ours is logged and returned,
// and the person hears only that they should try again.
func TestInternalErrorsAreNotShown(t *testing.T) {
	h := newHarness(t, testUnits())
	h.join(chairLoc, "xa-chau-loc")
	h.db.Close()
	err := h.svc.Handle(h.ctx, cchcbot.Incoming{ID: 99, User: chairLoc.ID, Text: "/trangthai"})
	if err == nil {
		t.Fatal("no error from a closed store")
	}
	got := h.sentTo(chairLoc)
	last := got[len(got)-1]
	if last.Text != msgInternal {
		t.Errorf("reply %q", last.Text)
	}
	wantText(t, h.logs.String(), "handling a message failed")
	// A press on a closed store is still answered.
	if err := h.svc.Handle(h.ctx, cchcbot.Incoming{ID: 100, User: chairLoc.ID, Callback: &cchcbot.CallbackPress{ID: "cb-x", Data: "x"}}); err == nil {
		t.Fatal("no error")
	}
	h.answerOf("cb-x")
}
