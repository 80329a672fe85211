package chat

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cchcbot"
)

// webLogin is /web: a one-time link that signs the admin in to the web
// dashboard. The link goes to the admin's own chat through the outbox,
// never to a log.
func (s *Service) webLogin(ctx context.Context, w who, cmd Command) error {
	if s.opts.WebLogin == nil {
		return s.reply(ctx, w.user, "Trang quản lý trên trình duyệt chưa được bật. Xin đề nghị người quản trị máy chủ bổ sung mục web: trong tệp cấu hình của bot.")
	}
	link, expires, err := s.opts.WebLogin(ctx, w.user)
	if err != nil {
		return err
	}
	s.opts.Logger.Info("web login link made", "by", string(w.user))
	return s.reply(ctx, w.user, WebLoginText(link, expires, s.calendar().Location))
}

// WebLoginText is the message that carries a login link to an admin, in
// chat or from `cchcbot web-login`.
func WebLoginText(link string, expires time.Time, loc *time.Location) string {
	return fmt.Sprintf("Đường link đăng nhập trang quản lý báo cáo CCHC (chỉ dùng được một lần, hết hạn lúc %s):\n%s\n\n"+
		"Mở đường link trên máy tính hoặc điện thoại rồi bấm nút \"Đăng nhập\". Trang quản lý cho xem báo cáo của mọi đơn vị: xin không chuyển đường link này cho người khác.",
		timeVN(expires, loc), link)
}

// InviteMember makes a single-use invite to unit unitCode on behalf of the
// admin by, valid as long as /moi's. A person who is not an admin is
// EUNAUTHORIZED.
func (s *Service) InviteMember(ctx context.Context, by cchcbot.UserID, unitCode string) (cchcbot.Invitation, error) {
	if _, err := s.opts.Store.Admin(ctx, by); cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND {
		return cchcbot.Invitation{}, cchcbot.Errorf(cchcbot.EUNAUTHORIZED, "Chỉ cán bộ quản trị mới tạo được mã mời.")
	} else if err != nil {
		return cchcbot.Invitation{}, err
	}
	u, err := s.opts.Store.Unit(ctx, unitCode)
	if err != nil {
		return cchcbot.Invitation{}, err
	}
	if u.Retired {
		return cchcbot.Invitation{}, cchcbot.Errorf(cchcbot.ENOTFOUND, "%s không còn trong danh sách đơn vị phải báo cáo.", u.Name)
	}
	code, err := s.createInvite(ctx, who{user: by}, cchcbot.Invite{UnitCode: u.Code})
	if err != nil {
		return cchcbot.Invitation{}, err
	}
	s.opts.Logger.Info("invite created", "unit", u.Code, "by", string(by))
	inv := cchcbot.Invitation{Code: code, Unit: u, ExpiresAt: s.now().Add(s.opts.InviteTTL), ZaloOALink: s.opts.ZaloOALink, HowToJoin: s.howToJoin(code)}
	if s.opts.InviteLink != nil {
		inv.TelegramLink = s.opts.InviteLink(code)
	}
	return inv, nil
}

// FindAdmins returns the admins a staff member means: by account id in
// full ("telegram:123") or by the network's own id ("123"), else every
// admin whose name, without diacritics, case or spaces, equals the query,
// else contains it.
func FindAdmins(admins []cchcbot.Admin, query string) []cchcbot.Admin {
	q := strings.TrimSpace(query)
	if q == "" {
		return nil
	}
	for _, a := range admins {
		if string(a.User) == q || a.User.Local() == q {
			return []cchcbot.Admin{a}
		}
	}
	f := fold(q)
	if f == "" {
		return nil
	}
	var exact, partial []cchcbot.Admin
	for _, a := range admins {
		switch name := fold(a.Name); {
		case name == f:
			exact = append(exact, a)
		case strings.Contains(name, f):
			partial = append(partial, a)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return partial
}
