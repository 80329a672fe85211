package zalotest_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"cchcbot/zalo/zalotest"
)

// A user writes; the bot's webhook checks the signature and answers
// through the API; the test reads the answer.
func Example() {
	srv := zalotest.NewServer() // zalotest.New(t) in a test
	defer srv.Close()
	user := zalotest.User{ID: "8412345678901234567", Name: "An"}
	srv.AddFollower(user)

	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev struct {
			Timestamp string `json:"timestamp"`
			Sender    struct {
				ID string `json:"id"`
			} `json:"sender"`
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
		}
		json.Unmarshal(body, &ev)
		sum := sha256.Sum256([]byte(srv.AppID() + string(body) + ev.Timestamp + srv.OASecretKey()))
		if r.Header.Get("X-ZEvent-Signature") != "mac="+hex.EncodeToString(sum[:]) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK) // answer within 2 s, then work
		go func() {
			reply := fmt.Sprintf(`{"recipient":{"user_id":%q},"message":{"text":%q}}`, ev.Sender.ID, "Đã nhận: "+ev.Message.Text)
			req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/v3.0/oa/message/cs", strings.NewReader(reply))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("access_token", srv.AccessToken())
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}))
	defer bot.Close()
	srv.Webhook(bot.URL)

	srv.SendText(user, "báo cáo tháng 3")
	m, err := srv.NextMessage(user.ID, 10*time.Second)
	fmt.Println(m.Text, err)
	// Output: Đã nhận: báo cáo tháng 3 <nil>
}
