package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/store"
)

// TestRequestCommand makes, lists, re-dates and cancels an ad-hoc request
// from the terminal, and checks what the store holds and who is told.
func TestRequestCommand(t *testing.T) {
	t.Setenv("CCHCBOT_NOW", "2024-03-01T10:00:00+07:00")
	cfgPath, dataDir := tempConfig(t)
	ctx := context.Background()
	dir := t.TempDir()
	letter := filepath.Join(dir, "Công văn 123-UBND.pdf")
	os.WriteFile(letter, []byte("%PDF-1.4\n% công văn đề nghị báo cáo\n"), 0o600)
	fake := filepath.Join(dir, "giả.pdf")
	os.WriteFile(fake, []byte("không phải PDF"), 0o600)

	if code, out, errOut := run(t, "request", "-config", cfgPath); code != exitOK || !strings.Contains(out, "Chưa có yêu cầu báo cáo đột xuất nào") {
		t.Fatalf("empty list: exit %d\n%s%s", code, out, errOut)
	}
	// A member of a commune, to be told of the cancellation.
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	chair := cchcbot.Member{User: cchcbot.TelegramUser(777), UnitCode: "xa-chau-loc", Name: "Chủ tịch xã"}
	if err := db.ImportMembers(ctx, []cchcbot.Member{chair}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for _, bad := range []struct {
		name string
		args []string
		want string
	}{
		{"due in the past", []string{"--title", "Báo cáo đột xuất", "--due", "29/02/2024", "--groups", "xa-thi-tran"}, "đã qua"},
		{"no one owes it", []string{"--title", "Báo cáo đột xuất", "--due", "22/03/2024"}, "ai phải nộp"},
		{"an unknown group", []string{"--title", "Báo cáo đột xuất", "--due", "22/03/2024", "--groups", "xa-phuong"}, "nhóm \"xa-phuong\" không có"},
		{"a title too short", []string{"--title", "BC", "--due", "22/03/2024", "--groups", "xa-thi-tran"}, "từ 5 đến"},
		{"a renamed file", []string{"--title", "Báo cáo đột xuất", "--due", "22/03/2024", "--groups", "xa-thi-tran", "--instruction", fake}, "nội dung không phải"},
		{"a date typed wrong", []string{"--title", "Báo cáo đột xuất", "--due", "22-03-2024", "--groups", "xa-thi-tran"}, "--due"},
	} {
		code, _, errOut := run(t, append([]string{"request", "new", "-config", cfgPath}, bad.args...)...)
		if code != exitUsage || !strings.Contains(errOut, bad.want) {
			t.Errorf("%s: exit %d, %q; want %d and %q", bad.name, code, errOut, exitUsage, bad.want)
		}
	}

	code, out, errOut := run(t, "request", "new", "-config", cfgPath, "--title", "Báo cáo đột xuất về số hóa hồ sơ", "--due", "22/03/2024",
		"--groups", "xa-thi-tran", "--units", "phong noi vu", "--instruction", letter)
	if code != exitOK || !strings.Contains(out, "Đã tạo yêu cầu báo cáo đột xuất dot-xuat-1 (mã kỳ dot-xuat-1/2024)") {
		t.Fatalf("new: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, "request", "due", "-config", cfgPath, "1", "25/03/2024"); code != exitOK || !strings.Contains(out, "từ 22/03/2024 sang Thứ Hai 25/03/2024") {
		t.Fatalf("due: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := run(t, "request", "due", "-config", cfgPath, "dot-xuat-1", "05/01/2025"); code != exitUsage || !strings.Contains(errOut, "trong năm 2024") {
		t.Errorf("due into another year: exit %d, %s", code, errOut)
	}
	if code, out, errOut := run(t, "request", "cancel", "-config", cfgPath, "dot-xuat-1", "Đã có số liệu từ Sở"); code != exitOK || !strings.Contains(out, "Đã hủy yêu cầu dot-xuat-1") {
		t.Fatalf("cancel: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := run(t, "request", "cancel", "-config", cfgPath, "dot-xuat-1", "lần nữa"); code != exitUsage || !strings.Contains(errOut, "đã được hủy") {
		t.Errorf("cancel twice: exit %d, %s", code, errOut)
	}
	if code, _, errOut := run(t, "request", "cancel", "-config", cfgPath, "dot-xuat-9", "không có"); code != exitUsage || !strings.Contains(errOut, "Không có yêu cầu") {
		t.Errorf("cancel an unknown one: exit %d, %s", code, errOut)
	}
	code, out, errOut = run(t, "request", "-config", cfgPath)
	if code != exitOK || !strings.Contains(out, "dot-xuat-1/2024") || !strings.Contains(out, "đã hủy ngày 01/03/2024 (Đã có số liệu từ Sở); kèm văn bản Công văn 123-UBND.pdf") {
		t.Errorf("list: exit %d\n%s%s", code, out, errOut)
	}

	db, err = store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.Requests(ctx)
	if err != nil || len(rs) != 1 {
		t.Fatalf("requests = %v, %v; want one (the refused ones stored nothing)", rs, err)
	}
	r := rs[0]
	if r.Due != cchcbot.D(2024, 3, 25) || !r.Cancelled() || r.Instruction == nil || !db.HasFile(r.Instruction.SHA256) ||
		len(r.Units) != 1 || r.Units[0] != "phong-noi-vu" || r.CreatedBy != "cli" {
		t.Errorf("stored request %+v", r)
	}
	msgs, err := db.PendingOutgoing(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	told := 0
	for _, m := range msgs {
		if m.To == chair.User && strings.Contains(m.Text, "HỦY yêu cầu báo cáo \"Báo cáo đột xuất về số hóa hồ sơ\"") && strings.Contains(m.Text, "Lý do: Đã có số liệu từ Sở") {
			told++
		}
	}
	if told != 1 {
		t.Errorf("the commune's member was told %d times of the cancellation; outbox %+v", told, msgs)
	}
}
