package zalotest_test

import (
	"bytes"
	"strings"
	"testing"

	"cchcbot/zalo/zalotest"
)

func TestUploadAndSendFile(t *testing.T) {
	srv, _ := setup(t)
	content := []byte("%PDF-1.4 báo cáo tháng 3")
	r := upload(t, srv, srv.AccessToken(), "Báo cáo T3.pdf", content)
	wantError(t, r, 0, "Success")
	token := r.Data["token"]
	if f, ok := srv.Upload(token); token == "" || !ok || f.Name != "Báo cáo T3.pdf" || f.Key != zalotest.UploadKeyToken ||
		!bytes.Equal(f.Content, content) || srv.Uploads() != 1 || len(r.Data) != 1 {
		t.Fatalf("upload %+v -> %+v", r, f)
	}
	s := send(t, srv, `{"recipient":{"user_id":"`+alice.ID+`"},"message":{"attachment":{"type":"file","payload":{"token":"`+token+`"}}}}`)
	wantError(t, s, 0, "Success")
	msgs := srv.Messages(alice.ID)
	if len(msgs) != 1 || msgs[0].File == nil || msgs[0].File.Token != token || msgs[0].File.Name != "Báo cáo T3.pdf" ||
		!bytes.Equal(msgs[0].File.Content, content) || msgs[0].Text != "" || msgs[0].ID != s.Data["message_id"] {
		t.Errorf("recorded %+v", msgs)
	}
}

func TestUploadRefused(t *testing.T) {
	srv, _ := setup(t)
	atLimit := bytes.Repeat([]byte{'x'}, zalotest.MaxUploadSize)
	for _, tc := range []struct {
		name, token, file string
		content           []byte
		code              int
		msg               string
	}{
		{"5 MB docx", "", "a.docx", atLimit, 0, "Success"},
		{"upper-case ext", "", "A.PDF", []byte("%PDF"), 0, "Success"},
		{"doc", "", "a.doc", []byte("x"), 0, "Success"},
		{"5 MB + 1", "", "a.pdf", append(atLimit, 'x'), -210, "File is too large"},
		{"xlsx", "", "a.xlsx", []byte("PK"), -201, "File type is invalid"},
		{"no ext", "", "pdf", []byte("x"), -201, "File type is invalid"},
		{"empty", "", "a.pdf", nil, -201, "File is empty"},
		{"bad token", "nope", "a.pdf", []byte("x"), -216, "Access token is invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			token := tc.token
			if token == "" {
				token = srv.AccessToken()
			}
			wantError(t, upload(t, srv, token, tc.file, tc.content), tc.code, tc.msg)
		})
	}
	if srv.Uploads() != 3 {
		t.Errorf("%d uploads kept, want 3", srv.Uploads())
	}
	r, _, err := post(t, srv, zalotest.PathUpload, srv.AccessToken(), "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, r, -201, "Body is not a multipart form")
}

// TestUploadKey: told so, the server answers data.attachment_id, and a
// file message must carry the id under that key; the default token is
// refused under the other key too.
func TestUploadKey(t *testing.T) {
	fileMsg := func(key, id string) string {
		return `{"recipient":{"user_id":"` + alice.ID + `"},"message":{"attachment":{"type":"file","payload":{"` + key + `":"` + id + `"}}}}`
	}
	srv, _ := setup(t, zalotest.WithUploadKey(zalotest.UploadKeyAttachmentID))
	r := upload(t, srv, srv.AccessToken(), "bc.docx", []byte("PK docx"))
	id := r.Data["attachment_id"]
	if id == "" || len(r.Data) != 1 {
		t.Fatalf("upload answered %+v, want data.attachment_id only", r.Data)
	}
	wantError(t, send(t, srv, fileMsg("token", id)), -201, "attachment.payload.attachment_id is missing")
	wantError(t, send(t, srv, fileMsg("attachment_id", id)), 0, "Success")
	if m := srv.Messages(alice.ID); len(m) != 1 || m[0].File == nil || m[0].File.Key != zalotest.UploadKeyAttachmentID || m[0].File.Token != id {
		t.Errorf("recorded %+v", m)
	}

	def, _ := setup(t)
	tok := upload(t, def, def.AccessToken(), "bc.pdf", []byte("%PDF")).Data["token"]
	wantError(t, send(t, def, fileMsg("attachment_id", tok)), -201, "attachment.payload.token is missing")
	wantError(t, send(t, def, fileMsg("token", tok)), 0, "Success")
}
