package zalo_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/zalo"
)

func opener(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

func TestSendDocument(t *testing.T) {
	u := newUnit(t)
	ref, err := u.c.SendDocument(ctx, cchcbot.OutDocument{To: cchcbot.ZaloUser(testUser), Name: "bao-cao-thang-02.pdf",
		Open: opener([]byte("%PDF-1.7 báo cáo")), Size: 20, Caption: "Báo cáo tháng 02/2024 của UBND xã Châu Lộc"})
	if err != nil {
		t.Fatal(u.watch.err(err))
	}
	bodies := u.api.sent()
	if len(bodies) != 2 || len(u.api.uploaded()) != 1 || u.api.uploaded()[0] != "bao-cao-thang-02.pdf" {
		t.Fatalf("sent %q, uploaded %q", bodies, u.api.uploaded())
	}
	caption, file := decodeSent(t, bodies[0]), decodeSent(t, bodies[1])
	if caption.Message.Text != "Báo cáo tháng 02/2024 của UBND xã Châu Lộc" || caption.Message.Attachment != nil {
		t.Errorf("caption sent as %s", bodies[0])
	}
	var p struct {
		Token string `json:"token"`
	}
	if file.Message.Text != "" || file.Message.Attachment == nil || file.Message.Attachment.Type != "file" ||
		json.Unmarshal(file.Message.Attachment.Payload, &p) != nil || !strings.HasPrefix(p.Token, "FILETOKEN-") {
		t.Errorf("file sent as %s", bodies[1])
	}
	if ref.ID != "m3" { // upload m1, caption m2, file m3
		t.Errorf("ref = %+v, want the file message's", ref)
	}
}

// TestSendDocumentRefusedBeforeZalo: what Zalo would refuse is refused
// without a request, with a message that says how staff get the file.
func TestSendDocumentRefusedBeforeZalo(t *testing.T) {
	big := bytes.Repeat([]byte("x"), zalo.MaxDocumentSize+1)
	tests := []struct {
		name string
		doc  cchcbot.OutDocument
		code string
	}{
		{"a spreadsheet", cchcbot.OutDocument{Name: "tong-hop.xlsx", Open: opener([]byte("PK")), Size: 2}, cchcbot.EINVALID},
		{"no extension", cchcbot.OutDocument{Name: "bao-cao", Open: opener([]byte("x")), Size: 1}, cchcbot.EINVALID},
		{"declared over 5 MB", cchcbot.OutDocument{Name: "bc.pdf", Open: opener(big), Size: int64(len(big))}, cchcbot.ETOOLARGE},
		{"over 5 MB, size unknown", cchcbot.OutDocument{Name: "bc.docx", Open: opener(big)}, cchcbot.ETOOLARGE},
		{"a Telegram file id", cchcbot.OutDocument{Name: "bc.pdf", ChannelFileID: "BQACAgUAAxkBAAIB"}, cchcbot.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUnit(t)
			d := tt.doc
			d.To, d.Caption = cchcbot.ZaloUser(testUser), "Báo cáo"
			_, err := u.c.SendDocument(ctx, d)
			if cchcbot.ErrorCode(err) != tt.code {
				t.Errorf("err = %v, want %s", err, tt.code)
			}
			if tt.code == cchcbot.ETOOLARGE || tt.name == "a spreadsheet" {
				if !strings.Contains(cchcbot.ErrorMessage(err), "cchcbot archive") {
					t.Errorf("message %q does not say how to get the file", cchcbot.ErrorMessage(err))
				}
			}
			if n := len(u.api.trail.all()); n != 0 {
				t.Errorf("Zalo was called: %q", u.api.trail.all())
			}
		})
	}
}

// TestSendDocumentFromZaloURL: a file a person sent on Zalo, sent on to
// another Zalo user (an admin reviewing it), is downloaded and uploaded.
func TestSendDocumentFromZaloURL(t *testing.T) {
	u := newUnit(t)
	u.api.Files = func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("%PDF-1.4 từ Zalo")) }
	_, err := u.c.SendDocument(ctx, cchcbot.OutDocument{To: cchcbot.ZaloUser(testUser), Name: "bc.pdf",
		ChannelFileID: u.api.srv.URL + "/files/1?sig=abc"})
	if err != nil {
		t.Fatal(u.watch.err(err))
	}
	if len(u.api.uploaded()) != 1 || len(u.api.sent()) != 1 {
		t.Errorf("uploads %q, sent %d", u.api.uploaded(), len(u.api.sent()))
	}
}

// TestUploadRefusedTokenRetried: an upload refused with -216 is made
// again, whole, with the new token.
func TestUploadRefusedTokenRetried(t *testing.T) {
	u := newUnit(t)
	u.api.mu.Lock()
	delete(u.api.access, accessPrefix+"1")
	u.api.mu.Unlock()
	_, err := u.c.SendDocument(ctx, cchcbot.OutDocument{To: cchcbot.ZaloUser(testUser), Name: "bc.doc",
		Open: opener([]byte("\xD0\xCF\x11\xE0")), Size: 4})
	if err != nil {
		t.Fatal(u.watch.err(err))
	}
	if len(u.api.uploaded()) != 1 || u.api.trail.count("refresh ") != 1 {
		t.Errorf("uploads %q, trail %q", u.api.uploaded(), u.api.trail.all())
	}
}

// TestUploadAnswerKeys: the file message carries the upload's id under
// the key the answer used; with both, the token (as Zalo's SDKs send it).
func TestUploadAnswerKeys(t *testing.T) {
	tests := []struct {
		name, data, want string // want: the file message's payload; "" for an error
	}{
		{"token", `{"token":"T1"}`, `{"token":"T1"}`},
		{"attachment_id", `{"attachment_id":"A1"}`, `{"attachment_id":"A1"}`},
		{"both", `{"attachment_id":"A1","token":"T1"}`, `{"token":"T1"}`},
		{"a numeric id", `{"attachment_id":12345}`, `{"attachment_id":"12345"}`},
		{"neither", `{"url":"https://f"}`, ""},
		{"no data", `null`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUnit(t)
			u.api.Answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
				if r.URL.Path != "/v2.0/oa/upload/file" {
					return false
				}
				fmt.Fprintf(w, `{"error":0,"message":"Success","data":%s}`, tt.data)
				return true
			}
			_, err := u.c.SendDocument(ctx, cchcbot.OutDocument{To: cchcbot.ZaloUser(testUser), Name: "bc.pdf", Open: opener([]byte("%PDF")), Size: 4})
			u.watch.err(err)
			sent := u.api.sent()
			if tt.want == "" {
				if err == nil || len(sent) != 0 {
					t.Errorf("err = %v, sent %q; want an error and nothing sent", err, sent)
				}
				return
			}
			if err != nil || len(sent) != 1 {
				t.Fatalf("err = %v, sent %q", err, sent)
			}
			if m := decodeSent(t, sent[0]); m.Message.Attachment == nil || string(m.Message.Attachment.Payload) != tt.want {
				t.Errorf("sent %s, want payload %s", sent[0], tt.want)
			}
		})
	}
}

// TestUploadRefusals: Zalo's refusals of an upload, read as an upload's.
func TestUploadRefusals(t *testing.T) {
	tests := []struct {
		code  int
		want  string // cchcbot.ErrorCode
		says  string
		quota bool
	}{
		{-210, cchcbot.ETOOLARGE, "5 MB", false},
		{-211, "", "", true},
		{-201, cchcbot.EINVALID, "không hợp lệ", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			u := newUnit(t)
			u.api.Answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
				answer(w, tt.code, "refused")
				return true
			}
			_, err := u.c.SendDocument(ctx, cchcbot.OutDocument{To: cchcbot.ZaloUser(testUser), Name: "bc.pdf", Open: opener([]byte("%PDF")), Size: 4})
			u.watch.err(err)
			if got := errors.As(err, new(*cchcbot.QuotaError)); got != tt.quota {
				t.Errorf("quota %v, want %v: %v", got, tt.quota, err)
			}
			if !tt.quota && (cchcbot.ErrorCode(err) != tt.want || !strings.Contains(cchcbot.ErrorMessage(err), tt.says)) {
				t.Errorf("err = %v, want %s saying %q", err, tt.want, tt.says)
			}
		})
	}
}
