package zalo_test

import (
	"bytes"
	"encoding/json"
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
