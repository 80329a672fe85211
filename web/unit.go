package web

import (
	"cmp"
	"encoding/base64"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"github.com/skip2/go-qrcode"

	"cchcbot"
	"cchcbot/export"
)

// unitData is one unit: its members and every period it reported for or
// owes this year, each with every version and its files.
type unitData struct {
	Unit      cchcbot.Unit
	Group     string
	Members   []memberRow
	Periods   []unitPeriod
	InviteURL string // "" when invites are off or the unit is retired
}

type memberRow struct {
	Name, Username, Channel, ID, Joined string
	Unreachable                         bool
	Reason                              string
}

type unitPeriod struct {
	Label, URL, Due string
	State           cellState
	StateLabel      string
	Versions        []unitVersion
	period          cchcbot.Period // for the order: newest deadline first
}

type unitVersion struct {
	Version                         int
	Receipt, SubmittedAt, Late, URL string
	State, Reason, Note, DocRef     string
	Files                           []fileLink
}

// channelName names a chat network for people.
func channelName(u cchcbot.UserID) string {
	switch u.Channel() {
	case cchcbot.ChannelTelegram:
		return "Telegram"
	case cchcbot.ChannelZalo:
		return "Zalo"
	}
	return u.Channel()
}

// unit is /don-vi/{code}.
func (s *Server) unit(w http.ResponseWriter, r *http.Request, v *visitor) {
	ctx := r.Context()
	u, err := s.opts.Store.Unit(ctx, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	members, err := s.opts.Store.Members(ctx, u.Code)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	subs, err := s.opts.Store.UnitSubmissions(ctx, u.Code)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	cal := s.calendar()
	now := s.opts.Clock.Now()
	d := &unitData{Unit: u, Group: cal.GroupLabels.Of(u.Group)}
	if s.opts.Inviter != nil && !u.Retired {
		d.InviteURL = unitURL(u.Code) + "/moi"
	}
	slices.SortStableFunc(members, func(a, b cchcbot.Member) int {
		return cmp.Or(export.CompareVN(a.Name, b.Name), cmp.Compare(a.User, b.User))
	})
	for _, m := range members {
		d.Members = append(d.Members, memberRow{Name: m.Name, Username: m.Username, Channel: channelName(m.User), ID: m.User.Local(),
			Joined: cchcbot.DateOf(m.JoinedAt.In(cal.Location)).VN(), Unreachable: m.Unreachable, Reason: m.UnreachableReason})
	}

	// Every period with a version, and every period of this year the
	// unit owes that has opened.
	byPeriod := map[string][]*cchcbot.Submission{}
	for _, sub := range subs {
		byPeriod[sub.PeriodID] = append(byPeriod[sub.PeriodID], sub)
	}
	periods := map[string]cchcbot.Period{}
	for id := range byPeriod {
		p, err := cal.Period(id)
		if err != nil {
			p = cchcbot.Period{ID: id, Label: id}
		}
		periods[id] = p
	}
	y := now.In(cal.Location).Year()
	for _, p := range cal.Periods(cchcbot.D(y, 1, 1), cchcbot.D(y, 12, 31)) {
		if k, _ := cal.Kind(p.KindID); k.Owes(u) && !now.Before(p.Opens) {
			periods[p.ID] = p
		}
	}
	for id, p := range periods {
		vs := byPeriod[id]
		var latest *cchcbot.Submission
		if len(vs) > 0 {
			latest = vs[len(vs)-1]
		}
		up := unitPeriod{Label: p.Label, period: p}
		if !p.Deadline.IsZero() {
			up.URL, up.Due = periodURL(p.ID), p.Due.VN()
			up.State = stateOf(latest, p.Deadline, now)
		} else {
			up.State = stateOf(latest, now.AddDate(100, 0, 0), now)
		}
		up.StateLabel = up.State.label(latest)
		for i := len(vs) - 1; i >= 0; i-- { // newest first
			sub := vs[i]
			uv := unitVersion{Version: sub.Version, Receipt: sub.ReceiptNo(), SubmittedAt: s.timeVN(sub.SubmittedAt), URL: submissionURL(sub.ID),
				State: sub.State.Label(), Reason: sub.Reason, Note: sub.Note, Late: "đúng hạn", Files: files(sub)}
			if sub.DaysLate > 0 {
				uv.Late = "trễ " + strconv.Itoa(sub.DaysLate) + " ngày"
			}
			if sub.DocNumber != "" {
				uv.DocRef = sub.DocNumber
				if !sub.DocDate.IsZero() {
					uv.DocRef += " ngày " + sub.DocDate.VN()
				}
			}
			up.Versions = append(up.Versions, uv)
		}
		d.Periods = append(d.Periods, up)
	}
	slices.SortFunc(d.Periods, func(a, b unitPeriod) int {
		return cmp.Or(b.period.Deadline.Compare(a.period.Deadline), cmp.Compare(a.Label, b.Label))
	})
	s.render(w, r, http.StatusOK, "unit", v, page{Title: u.Name, Data: d})
}

// inviteData is a fresh invite: the code, the links and a QR code. The
// page shows a secret: it is served no-store like every page, and the
// code is never logged.
type inviteData struct {
	Unit         cchcbot.Unit
	UnitURL      string
	Code         string
	Expires      string
	TelegramLink string
	ZaloOALink   string
	QR           template.URL // a data: URL of the PNG
	QRFor        string
}

// invite is the "Tạo mã mời" form of a unit's page.
func (s *Server) invite(w http.ResponseWriter, r *http.Request, v *visitor) {
	if s.opts.Inviter == nil {
		s.message(w, r, v, http.StatusNotFound, "Chưa bật chức năng", "Chức năng tạo mã mời trên trang quản lý chưa được bật.")
		return
	}
	inv, err := s.opts.Inviter.InviteMember(r.Context(), v.admin.User, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.audit(r.Context(), v.admin, "web.invite", inv.Unit.Code, "tạo mã mời thành viên cho "+inv.Unit.Name)
	d := &inviteData{Unit: inv.Unit, UnitURL: unitURL(inv.Unit.Code), Code: inv.Code, Expires: s.timeVN(inv.ExpiresAt),
		TelegramLink: inv.TelegramLink, ZaloOALink: inv.ZaloOALink}
	// The QR code opens the Telegram link, or the Official Account when
	// only Zalo is configured, as `cchcbot invite --qr` makes it.
	target := inv.TelegramLink
	d.QRFor = "đường link mời Telegram"
	if target == "" {
		target, d.QRFor = inv.ZaloOALink, "Official Account Zalo"
	}
	if target != "" {
		png, err := qrcode.Encode(target, qrcode.Medium, 320)
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	s.render(w, r, http.StatusOK, "invite", v, page{Title: "Mã mời thành viên – " + inv.Unit.Name, Data: d})
}
