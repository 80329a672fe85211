package zalotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"cchcbot/zalo/zalotest"
)

func TestSendText(t *testing.T) {
	srv, clk := setup(t)
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+zalotest.PathMessage,
		strings.NewReader(textBody(alice.ID, "Kính gửi Quý cơ quan: hạn nộp báo cáo là 15/03/2025.")))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("access_token", srv.AccessToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// The exact shape, field by field, as a client decodes it.
	var got struct {
		Error   *int    `json:"error"`
		Message *string `json:"message"`
		Data    *struct {
			MessageID string `json:"message_id"`
			UserID    string `json:"user_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &got); err != nil || resp.StatusCode != 200 || got.Error == nil || *got.Error != 0 ||
		got.Message == nil || *got.Message != "Success" || got.Data == nil || len(got.Data.MessageID) != 32 || got.Data.UserID != alice.ID {
		t.Fatalf("answer %d %s", resp.StatusCode, raw)
	}
	msgs := srv.Messages(alice.ID)
	if len(msgs) != 1 || msgs[0].ID != got.Data.MessageID || msgs[0].Text != "Kính gửi Quý cơ quan: hạn nộp báo cáo là 15/03/2025." ||
		msgs[0].Buttons != nil || msgs[0].File != nil || !msgs[0].At.Equal(clk.Now()) {
		t.Errorf("recorded %+v", msgs)
	}
	second := send(t, srv, textBody(alice.ID, "Lần hai"))
	if second.Data["message_id"] == got.Data.MessageID {
		t.Error("message ids repeat")
	}
	if srv.Requests(zalotest.PathMessage) != 2 || srv.TotalMessages() != 2 || srv.MessageCount(alice.ID) != 2 || len(srv.AllMessages()) != 2 {
		t.Errorf("requests %d, total %d", srv.Requests(zalotest.PathMessage), srv.TotalMessages())
	}
}

func TestSendTemplate(t *testing.T) {
	srv, _ := setup(t)
	r := send(t, srv, `{"recipient":{"user_id":"`+alice.ID+`"},"message":{"text":"Chọn kỳ báo cáo","attachment":{"type":"template",
		"payload":{"buttons":[{"title":"Tháng 3/2025","type":"oa.query.hide","payload":"#kybc:2025-03"},
		{"title":"Hướng dẫn","type":"oa.open.url","payload":{"url":"https://example.gov.vn/hd"}},
		{"title":"Gọi bộ phận một cửa","type":"oa.open.phone","payload":{"phone_code":"02393856123"}},
		{"title":"Xem trạng thái","type":"oa.query.show","payload":"/trangthai"}]}}}}`)
	wantError(t, r, 0, "Success")
	msgs := srv.Messages(alice.ID)
	want := []zalotest.Button{
		{Title: "Tháng 3/2025", Type: zalotest.ButtonQueryHide, Payload: "#kybc:2025-03"},
		{Title: "Hướng dẫn", Type: zalotest.ButtonOpenURL, URL: "https://example.gov.vn/hd"},
		{Title: "Gọi bộ phận một cửa", Type: zalotest.ButtonOpenPhone, Phone: "02393856123"},
		{Title: "Xem trạng thái", Type: zalotest.ButtonQueryShow, Payload: "/trangthai"},
	}
	if len(msgs) != 1 || msgs[0].Text != "Chọn kỳ báo cáo" || len(msgs[0].Buttons) != len(want) {
		t.Fatalf("recorded %+v", msgs)
	}
	for i, b := range msgs[0].Buttons {
		if b != want[i] {
			t.Errorf("button %d = %+v, want %+v", i, b, want[i])
		}
	}
}

// TestSendRefused: every refusal is HTTP 200 with Zalo's code, and
// nothing refused is recorded.
func TestSendRefused(t *testing.T) {
	srv, _ := setup(t)
	srv.AddFollower(bob)
	srv.RemoveFollower(bob)
	longOK := strings.Repeat("ệ", zalotest.MaxTextLength) // 2,000 runes, 6,000 bytes
	tmpl := func(buttons string) string {
		return `{"recipient":{"user_id":"` + alice.ID + `"},"message":{"text":"x","attachment":{"type":"template","payload":{"buttons":[` + buttons + `]}}}}`
	}
	for _, tc := range []struct {
		name, token, body string
		code              int
		msg               string
	}{
		{"no token", "-", textBody(alice.ID, "x"), -216, "Access token is invalid"},
		{"wrong token", "made-up", textBody(alice.ID, "x"), -216, "Access token is invalid"},
		{"never followed", "", textBody("1111111111111111111", "x"), -213, "User has not followed OA"},
		{"unfollowed", "", textBody(bob.ID, "x"), -213, "User has not followed OA"},
		{"2001 runes", "", textBody(alice.ID, longOK+"a"), -210, "Text is too long"},
		{"empty", "", textBody(alice.ID, ""), -201, "Message is empty"},
		{"no recipient", "", `{"message":{"text":"x"}}`, -201, "recipient.user_id is missing"},
		{"not JSON", "", `{"recipient":`, -201, "Body is not valid JSON"},
		{"button type", "", tmpl(`{"title":"a","type":"oa.open.sms","payload":{"phone_code":"0900"}}`), -201, "Button type is not supported"},
		{"phone as a bare number", "", tmpl(`{"title":"a","type":"oa.open.phone","payload":"0900"}`), -201, "Button payload.phone_code is missing"},
		{"phone without phone_code", "", tmpl(`{"title":"a","type":"oa.open.phone","payload":{"phone":"0900"}}`), -201, "Button payload.phone_code is missing"},
		{"no title", "", tmpl(`{"title":"","type":"oa.query.hide","payload":"p"}`), -201, "Button title is missing"},
		{"object payload", "", tmpl(`{"title":"a","type":"oa.query.hide","payload":{"x":1}}`), -201, "Button payload must be a non-empty string"},
		{"no url", "", tmpl(`{"title":"a","type":"oa.open.url","payload":{}}`), -201, "Button payload.url is missing"},
		{"no buttons", "", tmpl(``), -201, "attachment.payload.buttons is missing"},
		{"file token", "", `{"recipient":{"user_id":"` + alice.ID + `"},"message":{"attachment":{"type":"file","payload":{"token":"nope"}}}}`, -201, "File token is invalid"},
		{"file with text", "", `{"recipient":{"user_id":"` + alice.ID + `"},"message":{"text":"x","attachment":{"type":"file","payload":{"token":"t"}}}}`, -201, "A file message carries no text"},
		{"attachment type", "", `{"recipient":{"user_id":"` + alice.ID + `"},"message":{"attachment":{"type":"media","payload":{}}}}`, -201, "Attachment type is not supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			token := tc.token
			switch token {
			case "":
				token = srv.AccessToken()
			case "-":
				token = "" // no header at all
			}
			r, resp, err := post(t, srv, zalotest.PathMessage, token, "application/json", strings.NewReader(tc.body))
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("%v %v", resp, err)
			}
			wantError(t, r, tc.code, tc.msg)
		})
	}
	if n := srv.TotalMessages(); n != 0 {
		t.Errorf("%d refused messages recorded", n)
	}
	if r := send(t, srv, textBody(alice.ID, longOK)); r.Error != 0 {
		t.Errorf("2,000 runes refused: %+v", r)
	}
}

func TestMethodAndPath(t *testing.T) {
	srv, _ := setup(t)
	resp, err := http.Get(srv.URL() + zalotest.PathMessage)
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET message/cs: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Post(srv.URL()+"/v2.0/oa/message", "application/json", strings.NewReader("{}"))
	if err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %v %v", resp, err)
	}
	resp.Body.Close()
	if srv.Requests(zalotest.PathMessage) != 1 || srv.Requests("/v2.0/oa/message") != 1 {
		t.Errorf("requests not counted per path")
	}
}

func TestIdentity(t *testing.T) {
	srv := zalotest.New(t, zalotest.WithOAID("111"), zalotest.WithApp("222", "s3"), zalotest.WithOASecretKey("k4"))
	if srv.OAID() != "111" || srv.AppID() != "222" || srv.AppSecret() != "s3" || srv.OASecretKey() != "k4" {
		t.Errorf("identity %q %q %q %q", srv.OAID(), srv.AppID(), srv.AppSecret(), srv.OASecretKey())
	}
	def := zalotest.New(t)
	if def.OAID() != zalotest.DefaultOAID || def.AppID() != zalotest.DefaultAppID {
		t.Errorf("defaults %q %q", def.OAID(), def.AppID())
	}
	for _, secret := range []string{def.AppSecret(), def.OASecretKey(), def.AccessToken(), def.RefreshToken()} {
		if strings.Contains(def.String(), secret) {
			t.Errorf("String() shows a secret")
		}
	}
	a, b := def.UserIDByApp(alice), def.UserIDByApp(bob)
	if len(a) != 19 || a == b || a == alice.ID || a != def.UserIDByApp(alice) || a == srv.UserIDByApp(alice) {
		t.Errorf("user_id_by_app %q %q", a, b)
	}
}
