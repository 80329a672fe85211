package bot_test

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Every e2e test ends by reading every line the bot logged (its slog
// logger and tgbotapi's, which goes through the standard log package) for
// the bot token and for every invite code issued during the test: the ones
// the test made and the ones the bot handed out in messages (/moi). A code
// is as good as a password until it is used, and the token is the bot.

// codeList is the invite codes a test issued.
type codeList struct {
	mu    sync.Mutex
	codes []string
}

func (h *e2e) issued(code string) {
	h.codes.mu.Lock()
	defer h.codes.mu.Unlock()
	h.codes.codes = append(h.codes.codes, code)
}

// inviteLink finds the code in a link the bot sends: ...?start=<code>.
var inviteLink = regexp.MustCompile(`[?&]start=([A-Za-z0-9_-]{16,64})`)

// secrets returns what must never be logged, by what it is.
func (h *e2e) secrets() map[string]string {
	out := map[string]string{"the bot token": token}
	if _, secret, ok := strings.Cut(token, ":"); ok {
		out["the token's secret part"] = secret
	}
	h.codes.mu.Lock()
	for _, c := range h.codes.codes {
		out["invite code "+c[:4]+"…"] = c
	}
	h.codes.mu.Unlock()
	for _, m := range h.srv.AllMessages() {
		for _, sm := range inviteLink.FindAllStringSubmatch(m.Text, -1) {
			out["invite code "+sm[1][:4]+"… sent by the bot"] = sm[1]
		}
	}
	return out
}

// leaks returns, for each log line holding a secret, which one and where.
// The lines are shown with the secret masked.
func leaks(logs string, secrets map[string]string) []string {
	var out []string
	for i, line := range strings.Split(logs, "\n") {
		for what, s := range secrets {
			if s != "" && strings.Contains(line, s) {
				out = append(out, "line "+strconv.Itoa(i+1)+" holds "+what+": "+strings.ReplaceAll(line, s, "<"+what+">"))
			}
		}
	}
	return out
}

func (h *e2e) checkLogsForSecrets() {
	h.t.Helper()
	logs := h.logs.String()
	if strings.TrimSpace(logs) == "" {
		h.t.Error("the e2e logger recorded nothing: the secrets check would pass vacuously")
	}
	for _, l := range leaks(logs, h.secrets()) {
		h.t.Error(l)
	}
}

// TestLeaksFindsSecrets: the check itself finds what it looks for.
func TestLeaksFindsSecrets(t *testing.T) {
	logs := "time=1 level=INFO msg=ok\n" +
		"time=2 level=WARN msg=\"getFile failed\" err=\"Post https://api.telegram.org/bot" + token + "/getFile: EOF\"\n" +
		"time=3 level=INFO msg=\"invite\" code=AbCdEfGhIjKlMnOpQrStUv\n"
	got := leaks(logs, map[string]string{"the token": token, "a code": "AbCdEfGhIjKlMnOpQrStUv", "unused": "zzz-not-there"})
	if len(got) != 2 || !strings.HasPrefix(got[0], "line 2 holds the token") || !strings.HasPrefix(got[1], "line 3 holds a code") {
		t.Fatalf("leaks = %q", got)
	}
	for _, l := range got {
		if strings.Contains(l, token) || strings.Contains(l, "AbCdEfGhIjKlMnOpQrStUv") {
			t.Errorf("the report repeats the secret: %s", l)
		}
	}
	if m := inviteLink.FindStringSubmatch("link: https://t.me/cchc_bot?start=AbCdEfGhIjKlMnOpQrStUv\n"); len(m) != 2 || m[1] != "AbCdEfGhIjKlMnOpQrStUv" {
		t.Errorf("invite link not found: %q", m)
	}
}

// TestE2ESecretsStayOutOfLogs drives the paths whose errors carry URLs
// (the token is in every Bot API and file URL) and the ones that hand out
// invite codes; newE2E's clean-up then greps every log line.
func TestE2ESecretsStayOutOfLogs(t *testing.T) {
	h := newE2E(t)
	h.now.Set(vn("2024-02-06 09:00"))
	h.join(chairLoc, "xa-chau-loc")
	h.say(admin, "/moi chau dinh", "Mã mời thành viên của UBND xã Châu Đình")
	h.say(admin, "/moiadmin Nguyễn Văn B", "Mã mời cán bộ quản trị")
	if len(h.secrets()) < 5 {
		t.Fatalf("secrets = %d, want the token, its secret part and 3 codes", len(h.secrets()))
	}

	// A download whose connection drops, then a Bot API error on getFile:
	// both are logged with the error tgbotapi or net/http made, whose text
	// held the URL before redaction.
	pick := h.sendFile(chairLoc, "bc.pdf", []byte("%PDF-1.7 báo cáo"), "nộp cho kỳ nào?")
	skip := h.press(chairLoc, pick, "tháng 02/2024", "số hiệu")
	confirm := h.press(chairLoc, skip, "Bỏ qua", "Xin kiểm tra lại")
	h.srv.ResetConnection("download", 10)
	h.press(chairLoc, confirm, "Xác nhận nộp", "CHƯA được nộp")
	h.srv.ClearFaults()
	h.srv.FailNext("getFile", 10, 500)
	mk := h.mark(chairLoc)
	h.srv.PressButton(chairLoc, confirm.ID, confirm.Buttons[0][0].CallbackData)
	h.expect(chairLoc, mk, "CHƯA được nộp")
	h.srv.ClearFaults()
	// Sending fails too: a blocked member's reply is an error with the
	// sendMessage URL.
	h.srv.Block(chairDinh.ID)
	h.srv.SendText(chairDinh, "/start")
	time.Sleep(200 * time.Millisecond)
	h.srv.Unblock(chairDinh.ID)
	h.press(chairLoc, confirm, "Xác nhận nộp", "BIÊN NHẬN")

	// The check has something to read: the failures above were logged.
	for _, want := range []string{"file fetch failed", "member joined"} {
		if !strings.Contains(h.logs.String(), want) {
			t.Errorf("the logs lack %q: the paths under test did not log", want)
		}
	}
}
