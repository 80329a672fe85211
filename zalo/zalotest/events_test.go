package zalotest_test

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"testing"

	"cchcbot/zalo/zalotest"
)

// wantJSON asserts that body decodes to exactly want: every field, no
// other, and every value a string as Zalo sends them.
func wantJSON(t *testing.T, body []byte, want map[string]any) {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("body\n%s\nwant\n%v", body, want)
	}
}

// payloadOf returns message.attachments[0].payload of an event body.
func payloadOf(t *testing.T, body []byte) map[string]string {
	t.Helper()
	var v struct {
		Message struct {
			Attachments []struct {
				Payload map[string]string `json:"payload"`
			} `json:"attachments"`
		} `json:"message"`
	}
	if err := json.Unmarshal(body, &v); err != nil || len(v.Message.Attachments) != 1 {
		t.Fatalf("body %s: %v", body, err)
	}
	return v.Message.Attachments[0].Payload
}

// get downloads url and returns the status and the body.
func get(t *testing.T, url string) (int, []byte, error) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func TestTextEventShape(t *testing.T) {
	srv, _ := setup(t)
	newReceiver(t, srv, nil)
	for _, send := range []func(zalotest.User, string) string{srv.SendText, srv.PressButton} {
		id := send(alice, "#kybc:2025-03")
		ev := waitEvent(t, srv, id)
		if ev.Name != "user_send_text" || ev.UserID != alice.ID {
			t.Errorf("event %+v", ev)
		}
		wantJSON(t, ev.Body, map[string]any{
			"app_id": srv.AppID(), "user_id_by_app": srv.UserIDByApp(alice), "event_name": "user_send_text",
			"timestamp": ev.Timestamp, "sender": map[string]any{"id": alice.ID}, "recipient": map[string]any{"id": srv.OAID()},
			"message": map[string]any{"msg_id": id, "text": "#kybc:2025-03"},
		})
	}
}

func TestFileEventShape(t *testing.T) {
	srv, _ := setup(t)
	newReceiver(t, srv, nil)
	content := []byte("PK\x03\x04 bảng tổng hợp")
	id := srv.SendFile(alice, "Tổng hợp Q1.XLSX", content)
	ev := waitEvent(t, srv, id)
	p := payloadOf(t, ev.Body)
	sum := md5.Sum(content)
	wantJSON(t, ev.Body, map[string]any{
		"app_id": srv.AppID(), "user_id_by_app": srv.UserIDByApp(alice), "event_name": "user_send_file",
		"timestamp": ev.Timestamp, "sender": map[string]any{"id": alice.ID}, "recipient": map[string]any{"id": srv.OAID()},
		"message": map[string]any{"msg_id": id, "attachments": []any{map[string]any{"type": "file", "payload": map[string]any{
			"url": p["url"], "size": strconv.Itoa(len(content)), "name": "Tổng hợp Q1.XLSX",
			"checksum": hex.EncodeToString(sum[:]), "type": "xlsx"}}}},
	})
	status, got, err := get(t, p["url"])
	if err != nil || status != 200 || string(got) != string(content) || srv.Downloads(id) != 1 || srv.Requests(zalotest.PathFiles) != 1 {
		t.Errorf("download %d %q %v", status, got, err)
	}
}

// TestFileEventNumericSize: the size as a JSON number, as some of Zalo's
// samples have it.
func TestFileEventNumericSize(t *testing.T) {
	srv, _ := setup(t)
	newReceiver(t, srv, nil)
	ev := waitEvent(t, srv, srv.SendFile(alice, "bc.docx", []byte("PK docx"), zalotest.WithNumericSize(), zalotest.WithDeclaredSize(233947)))
	var v struct {
		Message struct {
			Attachments []struct {
				Payload struct {
					Size json.RawMessage `json:"size"`
				} `json:"payload"`
			} `json:"attachments"`
		} `json:"message"`
	}
	if err := json.Unmarshal(ev.Body, &v); err != nil || len(v.Message.Attachments) != 1 || string(v.Message.Attachments[0].Payload.Size) != "233947" {
		t.Errorf("body %s: %v", ev.Body, err)
	}
}

// TestDeliveryEvents: user_received_message carries msg_id and
// user_seen_message msg_ids; both go from the OA to the user.
func TestDeliveryEvents(t *testing.T) {
	srv, _ := setup(t)
	newReceiver(t, srv, nil)
	rid := srv.Received(alice, "m1")
	sid := srv.Seen(alice, "m1", "m2")
	for _, tc := range []struct {
		id, name string
		message  map[string]any
	}{
		{rid, "user_received_message", map[string]any{"msg_id": "m1"}},
		{sid, "user_seen_message", map[string]any{"msg_ids": []any{"m1", "m2"}}},
	} {
		ev := waitEvent(t, srv, tc.id)
		if ev.Name != tc.name || ev.UserID != alice.ID || !ev.Delivered {
			t.Errorf("event %+v", ev)
		}
		wantJSON(t, ev.Body, map[string]any{
			"app_id": srv.AppID(), "user_id_by_app": srv.UserIDByApp(alice), "event_name": tc.name,
			"timestamp": ev.Timestamp, "sender": map[string]any{"id": srv.OAID()}, "recipient": map[string]any{"id": alice.ID},
			"message": tc.message,
		})
	}
	if rid == sid {
		t.Errorf("ids %q %q", rid, sid)
	}
}

func TestImageEventShape(t *testing.T) {
	srv, _ := setup(t)
	newReceiver(t, srv, nil)
	png := []byte("\x89PNG\r\n\x1a\n scanned page")
	id := srv.SendImage(alice, png)
	ev := waitEvent(t, srv, id)
	p := payloadOf(t, ev.Body)
	wantJSON(t, ev.Body, map[string]any{
		"app_id": srv.AppID(), "user_id_by_app": srv.UserIDByApp(alice), "event_name": "user_send_image",
		"timestamp": ev.Timestamp, "sender": map[string]any{"id": alice.ID}, "recipient": map[string]any{"id": srv.OAID()},
		"message": map[string]any{"msg_id": id, "attachments": []any{map[string]any{"type": "image", "payload": map[string]any{
			"url": p["url"], "thumbnail": p["thumbnail"]}}}},
	})
	for _, u := range []string{p["url"], p["thumbnail"]} {
		if status, got, err := get(t, u); err != nil || status != 200 || string(got) != string(png) {
			t.Errorf("download %s: %d %v", u, status, err)
		}
	}
	if p["url"] == p["thumbnail"] || srv.Downloads(id) != 2 {
		t.Errorf("url %q thumbnail %q, %d downloads", p["url"], p["thumbnail"], srv.Downloads(id))
	}
}

func TestFollowEvents(t *testing.T) {
	srv, _ := setup(t)
	newReceiver(t, srv, nil)
	fid := srv.Follow(bob)
	if !srv.IsFollower(bob.ID) {
		t.Error("Follow did not make a follower")
	}
	if r := send(t, srv, textBody(bob.ID, "Chào mừng")); r.Error != 0 {
		t.Errorf("send to a follower: %+v", r)
	}
	uid := srv.Unfollow(bob)
	for _, tc := range []struct{ id, name, source string }{{fid, "follow", "oa_follow_button"}, {uid, "unfollow", "oa_profile"}} {
		ev := waitEvent(t, srv, tc.id)
		wantJSON(t, ev.Body, map[string]any{
			"app_id": srv.AppID(), "oa_id": srv.OAID(), "event_name": tc.name, "timestamp": ev.Timestamp,
			"source": tc.source, "follower": map[string]any{"id": bob.ID}, "user_id_by_app": srv.UserIDByApp(bob),
		})
	}
	wantError(t, send(t, srv, textBody(bob.ID, "x")), -213, "User has not followed OA")
	if fid == uid || srv.MessageCount(bob.ID) != 1 {
		t.Errorf("ids %q %q, %d messages", fid, uid, srv.MessageCount(bob.ID))
	}
}

func TestSendRaw(t *testing.T) {
	srv, _ := setup(t)
	rc := newReceiver(t, srv, nil)
	body := []byte(`{"app_id":"x","event_name":"user_send_sticker","timestamp":"1741593600000"}`)
	ev := waitEvent(t, srv, srv.SendRaw(alice.ID, body))
	p := rc.received()[0]
	if string(p.body) != string(body) || p.signature != "mac="+mac(srv.AppID(), body, "1741593600000", srv.OASecretKey()) ||
		!ev.Delivered || ev.Name != "user_send_sticker" {
		t.Errorf("raw post %s %q, event %+v", p.body, p.signature, ev)
	}
	// Malformed JSON is posted as it is.
	bad := waitEvent(t, srv, srv.SendRaw(alice.ID, []byte(`{"event_name":`)))
	if string(rc.received()[1].body) != `{"event_name":` || bad.Name != "" || bad.Timestamp != "" {
		t.Errorf("malformed raw event %+v", bad)
	}
}
