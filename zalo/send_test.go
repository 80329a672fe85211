package zalo_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"cchcbot"
	"cchcbot/zalo"
)

// sentMessage is a /message/cs body as decoded by a test.
type sentMessage struct {
	Recipient struct {
		UserID string `json:"user_id"`
	} `json:"recipient"`
	Message struct {
		Text       string `json:"text"`
		Attachment *struct {
			Type    string          `json:"type"`
			Payload json.RawMessage `json:"payload"`
		} `json:"attachment"`
	} `json:"message"`
}

func decodeSent(t *testing.T, body string) sentMessage {
	t.Helper()
	var m sentMessage
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	return m
}

func TestSendText(t *testing.T) {
	u := newUnit(t)
	ref, err := u.send("Xin chào đồng chí")
	if err != nil {
		t.Fatal(err)
	}
	if ref.To != cchcbot.ZaloUser(testUser) || ref.ID != "m1" {
		t.Errorf("ref = %+v", ref)
	}
	bodies := u.api.sent()
	if len(bodies) != 1 {
		t.Fatalf("sent %d", len(bodies))
	}
	m := decodeSent(t, bodies[0])
	if m.Recipient.UserID != testUser || m.Message.Text != "Xin chào đồng chí" || m.Message.Attachment != nil {
		t.Errorf("sent %s", bodies[0])
	}
}

func TestSendButtonsAsTemplate(t *testing.T) {
	u := newUnit(t)
	_, err := u.send("Chọn kỳ báo cáo",
		[]cchcbot.Button{{Text: "Tháng 02/2024", Data: "pp|n1|p2|sig"}, {Text: "Hủy", Data: "cx|n1|sig"}},
		[]cchcbot.Button{{Text: "Hướng dẫn", URL: "https://example.gov.vn/huong-dan"}})
	if err != nil {
		t.Fatal(err)
	}
	m := decodeSent(t, u.api.sent()[0])
	if m.Message.Text != "Chọn kỳ báo cáo" || m.Message.Attachment == nil || m.Message.Attachment.Type != "template" {
		t.Fatalf("sent %+v", m)
	}
	var p struct {
		Buttons []struct {
			Title   string          `json:"title"`
			Type    string          `json:"type"`
			Payload json.RawMessage `json:"payload"`
		} `json:"buttons"`
	}
	if err := json.Unmarshal(m.Message.Attachment.Payload, &p); err != nil {
		t.Fatal(err)
	}
	want := []struct{ title, typ, payload string }{
		{"Tháng 02/2024", "oa.query.hide", `"cb:pp|n1|p2|sig"`},
		{"Hủy", "oa.query.hide", `"cb:cx|n1|sig"`},
		{"Hướng dẫn", "oa.open.url", `{"url":"https://example.gov.vn/huong-dan"}`},
	}
	if len(p.Buttons) != len(want) {
		t.Fatalf("buttons = %+v", p.Buttons)
	}
	for i, w := range want {
		b := p.Buttons[i]
		if b.Title != w.title || b.Type != w.typ || string(b.Payload) != w.payload {
			t.Errorf("button %d = %s %s %s, want %s %s %s", i, b.Title, b.Type, b.Payload, w.title, w.typ, w.payload)
		}
	}
}

func TestSendSplitsLongText(t *testing.T) {
	u := newUnit(t)
	line := strings.Repeat("Đơn vị chưa nộp báo cáo tháng. ", 10) + "\n" // 311 characters
	text := strings.Repeat(line, 15)                                     // 4,665
	ref, err := u.send(text, []cchcbot.Button{{Text: "Xem", Data: "st|p|1|sig"}})
	if err != nil {
		t.Fatal(err)
	}
	bodies := u.api.sent()
	if len(bodies) != 3 {
		t.Fatalf("sent %d parts, want 3", len(bodies))
	}
	var joined strings.Builder
	for i, b := range bodies {
		m := decodeSent(t, b)
		if n := utf8.RuneCountInString(m.Message.Text); n > zalo.MaxMessageLength {
			t.Errorf("part %d has %d characters", i, n)
		}
		if !strings.HasSuffix(m.Message.Text, "tháng. ") {
			t.Errorf("part %d is not cut at a line break: …%q", i, m.Message.Text[len(m.Message.Text)-10:])
		}
		if (m.Message.Attachment != nil) != (i == 2) {
			t.Errorf("part %d: buttons %v", i, m.Message.Attachment != nil)
		}
		joined.WriteString(m.Message.Text + "\n")
	}
	if joined.String() != text {
		t.Error("the parts do not add up to the text")
	}
	if ref.ID != "m3" {
		t.Errorf("ref = %q, want the last part's", ref.ID)
	}
}

func TestSendRefusesOtherNetworks(t *testing.T) {
	u := newUnit(t)
	_, err := u.c.Send(ctx, cchcbot.OutMessage{To: cchcbot.TelegramUser(42), Text: "x"})
	if cchcbot.ErrorCode(err) != cchcbot.EINVALID {
		t.Errorf("err = %v", err)
	}
	if n := len(u.api.sent()); n != 0 {
		t.Errorf("sent %d", n)
	}
}

func TestEditSendsANewMessage(t *testing.T) {
	u := newUnit(t)
	ref, err := u.send("Xác nhận nộp?", []cchcbot.Button{{Text: "Xác nhận", Data: "cf|n|s"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := u.c.Edit(ctx, ref, "Đã nộp báo cáo.", nil); err != nil {
		t.Fatal(err)
	}
	bodies := u.api.sent()
	if len(bodies) != 2 {
		t.Fatalf("sent %d", len(bodies))
	}
	m := decodeSent(t, bodies[1])
	if m.Recipient.UserID != testUser || m.Message.Text != "Đã nộp báo cáo." || m.Message.Attachment != nil {
		t.Errorf("edit sent %s", bodies[1])
	}
}

func TestAnswerCallback(t *testing.T) {
	u := newUnit(t)
	id := "zalo:abc123:" + testUser
	if err := u.c.AnswerCallback(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
	if n := len(u.api.sent()); n != 0 {
		t.Fatalf("an empty answer sent %d messages", n)
	}
	if err := u.c.AnswerCallback(ctx, id, "Đã ghi nhận."); err != nil {
		t.Fatal(err)
	}
	m := decodeSent(t, u.api.sent()[0])
	if m.Recipient.UserID != testUser || m.Message.Text != "Đã ghi nhận." {
		t.Errorf("answer sent %+v", m)
	}
	for _, bad := range []string{"abc123", "telegram:1:2", "zalo:abc:", "zalo:"} {
		if err := u.c.AnswerCallback(ctx, bad, "x"); cchcbot.ErrorCode(err) != cchcbot.EINVALID {
			t.Errorf("AnswerCallback(%q) = %v, want EINVALID", bad, err)
		}
	}
}

// TestLaterPartRetried: a part after the first is retried here, so the
// queue never sends the first again; when it still fails the error is no
// longer temporary.
func TestLaterPartRetried(t *testing.T) {
	defer zalo.SetPartBackoff(func(int) time.Duration { return 0 })()
	text := strings.Repeat("a", 1500) + "\n" + strings.Repeat("b", 1500)
	t.Run("recovers", func(t *testing.T) {
		u := newUnit(t)
		u.api.Answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
			if n == 2 || n == 3 {
				http.Error(w, "<html>502 Bad Gateway</html>", http.StatusBadGateway)
				return true
			}
			return false
		}
		if _, err := u.send(text); err != nil {
			t.Fatal(err)
		}
		if n := len(u.api.sent()); n != 2 {
			t.Errorf("sent %d parts, want 2", n)
		}
	})
	t.Run("gives up", func(t *testing.T) {
		u := newUnit(t)
		u.api.Answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
			if n >= 2 {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return true
			}
			return false
		}
		_, err := u.send(text)
		var temp *cchcbot.TemporaryError
		if err == nil || errors.As(err, &temp) || !strings.Contains(err.Error(), "part 2") {
			t.Errorf("err = %v, want a final error naming part 2", err)
		}
		if n := len(u.api.sent()); n != 1 {
			t.Errorf("sent %d parts, want the first only", n)
		}
	})
	t.Run("first part's failure is the caller's", func(t *testing.T) {
		u := newUnit(t)
		u.api.Answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return true
		}
		_, err := u.send(text)
		var temp *cchcbot.TemporaryError
		if !errors.As(err, &temp) {
			t.Errorf("err = %v, want temporary", err)
		}
	})
}
