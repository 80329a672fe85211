package zalo_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"cchcbot"
	"cchcbot/zalo"
)

// hook is a webhook under test with its store and dispatcher.
type hook struct {
	*unit
	inbox *memInbox
	disp  *dispatched
	h     http.Handler
}

func newHook(t *testing.T, opts ...func(*zalo.Config)) *hook {
	u := newUnit(t, opts...)
	h := &hook{unit: u, inbox: newMemInbox(), disp: newDispatched()}
	h.h = u.c.Webhook(h.inbox, h.disp)
	return h
}

// ms is t in Unix milliseconds, as events carry it.
func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// textEvent returns a user_send_text event body.
func textEvent(appID, msgID, user, text string, at time.Time) []byte {
	return fmt.Appendf(nil, `{"app_id":%q,"user_id_by_app":"555","event_name":"user_send_text","timestamp":%q,`+
		`"sender":{"id":%q},"recipient":{"id":%q},"message":{"msg_id":%q,"text":%q}}`, appID, ms(at), user, testOAID, msgID, text)
}

// sign returns the signature header of body, signed with key.
func sign(appID string, body []byte, ts, key string) string {
	return "mac=" + hex.EncodeToString(zalo.Signature(appID, body, ts, key))
}

// post sends body with header sig and returns the status.
func (h *hook) post(body []byte, sig string) int {
	r := httptest.NewRequest(http.MethodPost, "/zalo/webhook", strings.NewReader(string(body)))
	if sig != "" {
		r.Header.Set("X-ZEvent-Signature", sig)
	}
	w := httptest.NewRecorder()
	h.h.ServeHTTP(w, r)
	return w.Code
}

// postSigned signs body properly, with the timestamp it holds.
func (h *hook) postSigned(body []byte, at time.Time) int {
	return h.post(body, sign(testAppID, body, ms(at), testOAKey))
}

func TestWebhookVerifies(t *testing.T) {
	type tc struct {
		name   string
		body   func(now time.Time) []byte
		sig    func(body []byte, now time.Time) string
		status int
	}
	good := func(now time.Time) []byte { return textEvent(testAppID, "m1", testUser, "xin chào", now) }
	signed := func(body []byte, now time.Time) string { return sign(testAppID, body, ms(now), testOAKey) }
	tests := []tc{
		{"good", good, signed, 200},
		{"good without mac=", good, func(b []byte, now time.Time) string { return strings.TrimPrefix(signed(b, now), "mac=") }, 200},
		{"forged", good, func(b []byte, now time.Time) string { return sign(testAppID, b, ms(now), "another-key") }, 401},
		{"no signature", good, func([]byte, time.Time) string { return "" }, 401},
		{"garbage signature", good, func([]byte, time.Time) string { return "mac=zz" }, 401},
		{"body altered after signing", good, func(b []byte, now time.Time) string {
			return signed(textEvent(testAppID, "m1", testUser, "xin chào!", now), now)
		}, 401},
		{"signed with another timestamp", good, func(b []byte, now time.Time) string {
			return sign(testAppID, b, ms(now.Add(time.Second)), testOAKey)
		}, 401},
		{"stale", func(now time.Time) []byte { return textEvent(testAppID, "m1", testUser, "x", now.Add(-6*time.Minute)) },
			func(b []byte, now time.Time) string {
				return sign(testAppID, b, ms(now.Add(-6*time.Minute)), testOAKey)
			}, 401},
		{"four minutes old", func(now time.Time) []byte { return textEvent(testAppID, "m1", testUser, "x", now.Add(-4*time.Minute)) },
			func(b []byte, now time.Time) string {
				return sign(testAppID, b, ms(now.Add(-4*time.Minute)), testOAKey)
			}, 200},
		{"from the future", func(now time.Time) []byte { return textEvent(testAppID, "m1", testUser, "x", now.Add(2*time.Minute)) },
			func(b []byte, now time.Time) string { return sign(testAppID, b, ms(now.Add(2*time.Minute)), testOAKey) }, 401},
		{"another app", func(now time.Time) []byte { return textEvent("1111111111", "m1", testUser, "x", now) },
			func(b []byte, now time.Time) string { return sign("1111111111", b, ms(now), testOAKey) }, 401},
		{"another app signed as ours", func(now time.Time) []byte { return textEvent("1111111111", "m1", testUser, "x", now) },
			signed, 401},
		{"not JSON", func(time.Time) []byte { return []byte("<xml/>") }, func([]byte, time.Time) string { return "" }, 400},
		{"too large", func(now time.Time) []byte {
			return textEvent(testAppID, "m1", testUser, strings.Repeat("x", 70<<10), now)
		}, signed, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHook(t)
			now := h.clock.Now()
			body := tt.body(now)
			if got := h.post(body, tt.sig(body, now)); got != tt.status {
				t.Fatalf("status %d, want %d", got, tt.status)
			}
			accepted := 0
			if tt.status == 200 {
				accepted = 1
			}
			if n := len(h.inbox.accepted()); n != accepted {
				t.Errorf("accepted %d, want %d", n, accepted)
			}
			if tt.status != 200 && h.inbox.calls != 0 {
				t.Errorf("the store was called for a refused event")
			}
			if n := len(h.disp.all()); n != accepted {
				t.Errorf("dispatched %d, want %d", n, accepted)
			}
		})
	}
	t.Run("GET", func(t *testing.T) {
		h := newHook(t)
		w := httptest.NewRecorder()
		h.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
		if w.Code != http.StatusMethodNotAllowed {
			t.Errorf("status %d", w.Code)
		}
	})
}

func TestWebhookReplayAcceptedOnce(t *testing.T) {
	h := newHook(t)
	now := h.clock.Now()
	body := textEvent(testAppID, "m1", testUser, "/trangthai", now)
	for i := range 3 {
		if got := h.postSigned(body, now); got != 200 {
			t.Fatalf("post %d: status %d", i, got)
		}
	}
	if n, d := len(h.inbox.accepted()), len(h.disp.all()); n != 1 || d != 1 {
		t.Errorf("accepted %d, dispatched %d, want 1 and 1", n, d)
	}
}

// TestWebhookEvents: what each event becomes.
func TestWebhookEvents(t *testing.T) {
	at := vn("2024-03-04 09:00")
	ts := ms(at)
	user := cchcbot.ZaloUser(testUser)
	msg := func(name, message string) string {
		return fmt.Sprintf(`{"app_id":%q,"event_name":%q,"timestamp":%q,"sender":{"id":%q},"recipient":{"id":%q},"user_id_by_app":"5","message":%s}`,
			testAppID, name, ts, testUser, testOAID, message)
	}
	tests := []struct {
		name string
		body string
		key  string
		want *cchcbot.Incoming // nil: remembered, not handled
	}{
		{"text", msg("user_send_text", `{"msg_id":"a1","text":"/nop"}`), "zalo:a1",
			&cchcbot.Incoming{User: user, At: at, Text: "/nop"}},
		{"button press", msg("user_send_text", `{"msg_id":"a2","text":"cb:ak|p|d1|SIG"}`), "zalo:a2",
			&cchcbot.Incoming{User: user, At: at, Callback: &cchcbot.CallbackPress{ID: "zalo:a2:" + testUser, Data: "ak|p|d1|SIG", Message: cchcbot.MessageRef{To: user}}}},
		{"file", msg("user_send_file", `{"msg_id":"a3","attachments":[{"type":"file","payload":{"url":"https://f.zalo.me/a3?tok=1","size":"123456","name":"Báo cáo.docx","checksum":"ab","type":"docx"}}]}`), "zalo:a3",
			&cchcbot.Incoming{User: user, At: at, Files: []cchcbot.IncomingFile{{Channel: "zalo", ChannelFileID: "https://f.zalo.me/a3?tok=1", Name: "Báo cáo.docx",
				MIME: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Size: 123456}}}},
		{"file with a caption", msg("user_send_file", `{"msg_id":"a4","text":"kỳ tháng 2","attachments":[{"type":"file","payload":{"url":"https://f/a4","size":"x","name":"bc.pdf","type":"pdf"}}]}`), "zalo:a4",
			&cchcbot.Incoming{User: user, At: at, Text: "kỳ tháng 2", Files: []cchcbot.IncomingFile{{Channel: "zalo", ChannelFileID: "https://f/a4", Name: "bc.pdf", MIME: "application/pdf"}}}},
		{"image", msg("user_send_image", `{"msg_id":"a5","attachments":[{"type":"image","payload":{"url":"https://i.zalo.me/a5.jpg","thumbnail":"https://i/t"}}]}`), "zalo:a5",
			&cchcbot.Incoming{User: user, At: at, Files: []cchcbot.IncomingFile{{Channel: "zalo", ChannelFileID: "https://i.zalo.me/a5.jpg", Name: "anh-a5.jpg", MIME: "image/jpeg", Photo: true}}}},
		{"follow", fmt.Sprintf(`{"app_id":%q,"oa_id":%q,"event_name":"follow","timestamp":%q,"source":"qr","follower":{"id":%q},"user_id_by_app":"5"}`, testAppID, testOAID, ts, testUser),
			"zalo:follow:" + testUser + ":" + ts, &cchcbot.Incoming{User: user, At: at, Text: "/start"}},
		{"unfollow", fmt.Sprintf(`{"app_id":%q,"oa_id":%q,"event_name":"unfollow","timestamp":%q,"follower":{"id":%q}}`, testAppID, testOAID, ts, testUser),
			"zalo:unfollow:" + testUser + ":" + ts, nil},
		{"follow of another OA", fmt.Sprintf(`{"app_id":%q,"oa_id":"42","event_name":"follow","timestamp":%q,"follower":{"id":%q}}`, testAppID, ts, testUser),
			"zalo:follow:" + testUser + ":" + ts, nil},
		{"sticker", msg("user_send_sticker", `{"msg_id":"a6","attachments":[{"type":"sticker","payload":{"id":"1","url":"https://s"}}]}`), "zalo:a6", nil},
		{"link", msg("user_send_link", `{"msg_id":"a7","attachments":[{"type":"link","payload":{"url":"https://x"}}]}`), "zalo:a7", nil},
		{"seen", fmt.Sprintf(`{"app_id":%q,"event_name":"user_seen_message","timestamp":%q,"sender":{"id":%q},"recipient":{"id":%q},"message":{"msg_ids":["m1","m2"]}}`, testAppID, ts, testOAID, testUser),
			"zalo:user_seen_message:" + testUser + ":" + ts, nil},
		{"seen, sent the issue's way round", fmt.Sprintf(`{"app_id":%q,"event_name":"user_seen_message","timestamp":%q,"sender":{"id":%q},"recipient":{"id":%q},"message":{"msg_ids":["m1"]}}`, testAppID, ts, testUser, testOAID),
			"zalo:user_seen_message:" + testUser + ":" + ts, nil},
		{"received", fmt.Sprintf(`{"app_id":%q,"event_name":"user_received_message","timestamp":%q,"sender":{"id":%q},"recipient":{"id":%q},"message":{"msg_id":"r1"}}`, testAppID, ts, testOAID, testUser),
			"zalo:r1", nil},
		{"follow with sender and recipient only", fmt.Sprintf(`{"app_id":%q,"event_name":"follow","timestamp":%q,"sender":{"id":%q},"recipient":{"id":%q}}`, testAppID, ts, testUser, testOAID),
			"zalo:follow:" + testUser + ":" + ts, &cchcbot.Incoming{User: user, At: at, Text: "/start"}},
		{"follow with follower and recipient", fmt.Sprintf(`{"app_id":%q,"event_name":"follow","timestamp":%q,"follower":{"id":%q},"recipient":{"id":%q}}`, testAppID, ts, testUser, testOAID),
			"zalo:follow:" + testUser + ":" + ts, &cchcbot.Incoming{User: user, At: at, Text: "/start"}},
		{"user_follow", fmt.Sprintf(`{"app_id":%q,"oa_id":%q,"event_name":"user_follow","timestamp":%q,"follower":{"id":%q}}`, testAppID, testOAID, ts, testUser),
			"zalo:user_follow:" + testUser + ":" + ts, &cchcbot.Incoming{User: user, At: at, Text: "/start"}},
		{"user_unfollow", fmt.Sprintf(`{"app_id":%q,"event_name":"user_unfollow","timestamp":%q,"sender":{"id":%q},"recipient":{"id":%q}}`, testAppID, ts, testUser, testOAID),
			"zalo:user_unfollow:" + testUser + ":" + ts, nil},
		{"follow of another OA by recipient", fmt.Sprintf(`{"app_id":%q,"event_name":"follow","timestamp":%q,"sender":{"id":%q},"recipient":{"id":"42"}}`, testAppID, ts, testUser),
			"zalo:follow:" + testUser + ":" + ts, nil},
		{"an event never heard of", msg("user_send_hologram", `{"msg_id":"b1","text":"xin chào"}`), "zalo:b1", nil},
		{"anonymous text", msg("anonymous_send_text", `{"msg_id":"b2","text":"xin chào"}`), "zalo:b2", nil},
		{"the OA's own file, echoed", fmt.Sprintf(`{"app_id":%q,"event_name":"oa_send_file","timestamp":%q,"sender":{"id":%q},"recipient":{"id":%q},"message":{"msg_id":"b3","attachments":[{"type":"file","payload":{"url":"https://f/b3","name":"bc.pdf"}}]}}`, testAppID, ts, testOAID, testUser),
			"zalo:b3", nil},
		{"a user event sent by the OA", fmt.Sprintf(`{"app_id":%q,"event_name":"user_send_text","timestamp":%q,"sender":{"id":%q},"recipient":{"id":%q},"message":{"msg_id":"b4","text":"/start"}}`, testAppID, ts, testOAID, testUser),
			"zalo:b4", nil},
		{"file size as a number", msg("user_send_file", `{"msg_id":"b5","attachments":[{"type":"file","payload":{"url":"https://f/b5","size":233947,"name":"bc.docx","type":"docx"}}]}`), "zalo:b5",
			&cchcbot.Incoming{User: user, At: at, Files: []cchcbot.IncomingFile{{Channel: "zalo", ChannelFileID: "https://f/b5", Name: "bc.docx",
				MIME: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Size: 233947}}}},
		{"file size as a float", msg("user_send_file", `{"msg_id":"b6","attachments":[{"type":"file","payload":{"url":"https://f/b6","size":2.5e3,"name":"bc.pdf"}}]}`), "zalo:b6",
			&cchcbot.Incoming{User: user, At: at, Files: []cchcbot.IncomingFile{{Channel: "zalo", ChannelFileID: "https://f/b6", Name: "bc.pdf", MIME: "application/pdf", Size: 2500}}}},
		{"file size of another shape", msg("user_send_file", `{"msg_id":"b7","attachments":[{"type":"file","payload":{"url":"https://f/b7","size":{"bytes":1},"name":"bc.pdf"}}]}`), "zalo:b7",
			&cchcbot.Incoming{User: user, At: at, Files: []cchcbot.IncomingFile{{Channel: "zalo", ChannelFileID: "https://f/b7", Name: "bc.pdf", MIME: "application/pdf"}}}},
		{"message_id for msg_id", msg("user_send_text", `{"message_id":"b8","text":"/nop"}`), "zalo:b8",
			&cchcbot.Incoming{User: user, At: at, Text: "/nop"}},
		{"a message of another shape", msg("user_send_text", `"xin chào"`), "zalo:user_send_text:" + testUser + ":" + ts, nil},
		{"numeric ids", fmt.Sprintf(`{"app_id":%s,"event_name":"user_send_text","timestamp":%s,"sender":{"id":%s},"recipient":{"id":%s},"message":{"msg_id":"b9","text":"/nop"}}`, testAppID, ts, testUser, testOAID),
			"zalo:b9", &cchcbot.Incoming{User: user, At: at, Text: "/nop"}},
		{"message to another OA", strings.Replace(msg("user_send_text", `{"msg_id":"a8","text":"hi"}`), `"recipient":{"id":"`+testOAID+`"}`, `"recipient":{"id":"42"}`, 1), "zalo:a8", nil},
		{"the OA's own message", fmt.Sprintf(`{"app_id":%q,"event_name":"oa_send_text","timestamp":%q,"sender":{"id":%q},"recipient":{"id":%q},"message":{"msg_id":"a9","text":"x"}}`, testAppID, ts, testOAID, testUser),
			"zalo:a9", nil},
		{"empty text", msg("user_send_text", `{"msg_id":"a10","text":""}`), "zalo:a10", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHook(t)
			h.clock.Set(at)
			if got := h.postSigned([]byte(tt.body), at); got != 200 {
				t.Fatalf("status %d", got)
			}
			if !h.inbox.seen(tt.key) {
				t.Errorf("key %q not remembered", tt.key)
			}
			evs := h.inbox.accepted()
			if tt.want == nil {
				if len(evs) != 0 {
					t.Errorf("accepted %+v, want it only remembered", *evs[0].In)
				}
				return
			}
			if len(evs) != 1 {
				t.Fatalf("accepted %d", len(evs))
			}
			got := evs[0].In
			g, w := *got, *tt.want
			g.At, w.At, g.Callback, w.Callback = time.Time{}, time.Time{}, nil, nil
			if fmt.Sprintf("%+v", g) != fmt.Sprintf("%+v", w) || !got.At.Equal(tt.want.At) {
				t.Errorf("got  %+v\nwant %+v", *got, *tt.want)
			}
			if (got.Callback == nil) != (tt.want.Callback == nil) || got.Callback != nil && *got.Callback != *tt.want.Callback {
				t.Errorf("callback %+v, want %+v", got.Callback, tt.want.Callback)
			}
			if fmt.Sprint(got.Files) != fmt.Sprint(tt.want.Files) {
				t.Errorf("files %+v\nwant  %+v", got.Files, tt.want.Files)
			}
		})
	}
}

// TestWebhookKeysWithoutMsgID: events without a msg_id are told apart
// by name, user and timestamp: two users' seen events in the same
// millisecond are two events, and a redelivery of one is recognised.
func TestWebhookKeysWithoutMsgID(t *testing.T) {
	h := newHook(t)
	at := h.clock.Now()
	seen := func(user string) []byte {
		return fmt.Appendf(nil, `{"app_id":%q,"event_name":"user_seen_message","timestamp":%q,"sender":{"id":%q},"recipient":{"id":%q},"message":{"msg_ids":["m1"]}}`,
			testAppID, ms(at), testOAID, user)
	}
	for _, body := range [][]byte{seen(testUser), seen("8400000000000000002"), seen(testUser)} {
		if got := h.postSigned(body, at); got != 200 {
			t.Fatalf("status %d", got)
		}
	}
	for _, user := range []string{testUser, "8400000000000000002"} {
		if key := "zalo:user_seen_message:" + user + ":" + ms(at); !h.inbox.seen(key) {
			t.Errorf("key %q not remembered", key)
		}
	}
	if n := len(h.inbox.keys); n != 2 {
		t.Errorf("%d keys, want 2", n)
	}
}

// TestWebhookSlowStore: a store slower than the bound gets a 503, so Zalo
// posts again; the commit still completes and the event is handled once.
func TestWebhookSlowStore(t *testing.T) {
	h := newHook(t, func(c *zalo.Config) { c.AcceptTimeout = 20 * time.Millisecond })
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	first := true
	h.inbox.AcceptFn = func(ctx context.Context, evs []cchcbot.Inbound) error {
		started <- struct{}{}
		if first {
			first = false
			<-release
		}
		return nil
	}
	now := h.clock.Now()
	body := textEvent(testAppID, "m1", testUser, "báo cáo", now)
	if got := h.postSigned(body, now); got != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", got)
	}
	<-started
	close(release)
	h.disp.wait(t, 1)
	if got := h.postSigned(body, now); got != 200 {
		t.Fatalf("Zalo's retry: status %d", got)
	}
	if n := len(h.disp.all()); n != 1 {
		t.Errorf("dispatched %d, want 1", n)
	}
}

func TestWebhookStoreError(t *testing.T) {
	h := newHook(t)
	h.inbox.AcceptFn = func(context.Context, []cchcbot.Inbound) error { return errors.New("disk full") }
	now := h.clock.Now()
	if got := h.postSigned(textEvent(testAppID, "m1", testUser, "x", now), now); got != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", got)
	}
	if n := len(h.disp.all()); n != 0 {
		t.Errorf("dispatched %d", n)
	}
}
