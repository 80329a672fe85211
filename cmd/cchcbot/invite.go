package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"cchcbot"
	"cchcbot/config"
)

// InviteCommand creates a single-use invite for a unit or an admin.
type InviteCommand struct {
	Stdout io.Writer
}

// Run creates the invite, in this process or in the running bot.
func (c *InviteCommand) Run(ctx context.Context, args []string) error {
	path, rest, err := splitConfig(args)
	if err != nil {
		return err
	}
	if rest, err = absFlag(rest, "qr"); err != nil {
		return err
	}
	return runStaff(ctx, "invite", path, rest, c.Stdout)
}

// Usage prints the command's help.
func (c *InviteCommand) Usage() {
	fmt.Fprint(c.Stdout, `Cách dùng: cchcbot invite [-config TỆP] [-ttl THỜI_HẠN] [--qr TỆP.png] [--head] ĐƠN_VỊ
           cchcbot invite [-config TỆP] [-ttl THỜI_HẠN] [--qr TỆP.png] --admin TÊN

Tạo một mã mời dùng một lần và in mã cùng cách tham gia trên từng kênh đã
cấu hình: trên Telegram, mở đường link https://t.me/<bot>?start=<mã>; trên
Zalo, quan tâm Official Account (https://zalo.me/<oa_id>) rồi gửi mã vào
cuộc trò chuyện. Gửi cho một thành viên của đơn vị (hoặc cho cán bộ quản
trị). Mã chỉ hiện ở đây, không bao giờ được ghi vào nhật ký; kho dữ liệu
chỉ giữ mã băm của nó.

ĐƠN_VỊ là mã đơn vị, không phân biệt chữ hoa, chữ thường (xa-chau-loc),
hoặc tên đơn vị, có dấu hay không dấu (chau loc, "UBND xã Châu Lộc"); khi
nhiều đơn vị cùng khớp, lệnh liệt kê chúng để chọn. "cchcbot check -units"
liệt kê mọi mã đơn vị.

Lệnh chạy được khi bot đã dừng hay đang chạy.

Tùy chọn:
`+configUsage+`  -ttl THỜI_HẠN   thời hạn của mã mời: số ngày (30d), số giờ (48h) hoặc
                  kết hợp (1d12h); mặc định 7d, tối đa 90d
  --head          mời thủ trưởng của đơn vị: khi đơn vị có thành viên khác,
                  thủ trưởng không nhận lời nhắc thường mà được báo khi đơn
                  vị quá hạn kéo dài (mục escalation của báo cáo)
  --admin TÊN     mời một cán bộ quản trị thay cho thành viên đơn vị
  --qr TỆP.png    ghi thêm mã QR của đường link mời Telegram (hoặc của OA Zalo
                  khi chỉ cấu hình Zalo) vào tệp ảnh PNG, để in hoặc gửi kèm
  -force          ghi đè tệp --qr đã có
`+envUsage)
}

// Bounds of -ttl.
const (
	defaultTTL = 7 * 24 * time.Hour
	minTTL     = time.Minute
	maxTTL     = 90 * 24 * time.Hour
)

// inviteHandler creates a single-use invite and prints its link. The code
// goes to the staff member's terminal only; the store keeps its hash.
func inviteHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	flags := newFlagSet("invite")
	admin := flags.String("admin", "", "")
	head := flags.Bool("head", false, "")
	ttlArg := flags.String("ttl", "7d", "")
	qrFile := flags.String("qr", "", "")
	force := flags.Bool("force", false, "")
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	ttl, err := config.ParseDuration(*ttlArg)
	if err != nil {
		return usageError("-ttl: %v.", err)
	}
	if ttl < minTTL || ttl > maxTTL {
		return usageError("-ttl %s nằm ngoài giới hạn: thời hạn của mã mời phải từ 1 phút (1m) đến 90 ngày (90d).", *ttlArg)
	}
	now := env.Clock.Now().In(env.Config().Location())
	inv := cchcbot.Invite{CreatedBy: "cli", CreatedAt: now, ExpiresAt: now.Add(ttl)}
	var who string
	// A unit's name may come as several words: "invite chau loc".
	query := strings.Join(pos, " ")
	switch {
	case *head && *admin != "":
		return usageError("--head dành cho thủ trưởng một đơn vị, không dùng cùng --admin.")
	case strings.TrimSpace(*admin) != "" && len(pos) == 0:
		inv.Admin, inv.AdminName = true, strings.TrimSpace(*admin)
		who = "cán bộ quản trị " + inv.AdminName
	case *admin == "" && strings.TrimSpace(query) != "":
		u, err := lookupUnit(ctx, env, query)
		if err != nil {
			return err
		}
		inv.UnitCode, inv.Head = u.Code, *head
		who = u.Name
		if *head {
			who = headOf(u) + " – " + u.Name
		}
	default:
		return usageError("Cú pháp: cchcbot invite ĐƠN_VỊ (mã hoặc tên đơn vị, ví dụ: cchcbot invite chau loc) hoặc cchcbot invite --admin TÊN")
	}
	if *qrFile != "" {
		if err := checkOutput(*qrFile, *force); err != nil {
			return err
		}
	}
	code, hash, err := cchcbot.NewInviteCode(nil)
	if err != nil {
		return cchcbot.FileErrorf(err, "Không tạo được mã mời")
	}
	inv.Hash = hash
	if err := env.DB.CreateInvite(ctx, inv); err != nil {
		return cchcbot.FileErrorf(err, "Không lưu được mã mời")
	}
	cfg := env.Config()
	fmt.Fprintf(stdout, "Mã mời cho %s (dùng một lần, hết hạn %s):\n", who, inv.ExpiresAt.Format("02/01/2006 15:04"))
	fmt.Fprintf(stdout, "  Mã:         %s\n", code)
	link := cfg.InviteLink(code)
	fmt.Fprintf(stdout, "  Đường link: %s\n", link)
	if *qrFile != "" {
		if _, err := writeFileAtomic(*qrFile, *force, func(w io.Writer) error { return writeQR(w, link) }); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  Mã QR:      %s\n", *qrFile)
	}
	return nil
}

// writeQR writes a PNG of a QR code for text, large enough to print on an
// A4 invitation and to scan from a phone screen.
func writeQR(w io.Writer, text string) error {
	png, err := qrcode.Encode(text, qrcode.Medium, 512)
	if err != nil {
		return cchcbot.Errorf(cchcbot.EINTERNAL, "Không tạo được mã QR: %v", err)
	}
	_, err = w.Write(png)
	return err
}

// headOf names who answers for u: its head_title, or "Thủ trưởng".
func headOf(u cchcbot.Unit) string {
	if u.HeadTitle != "" {
		return u.HeadTitle
	}
	return "Thủ trưởng"
}
