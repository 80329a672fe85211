package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"cchcbot"
	"cchcbot/web"
	"cchcbot/web/webtest"
)

// TestOverview: every unit's February cell shows its seeded state, and
// the column's totals count them; future months are not yet due; units
// are grouped, in Vietnamese order within a group.
func TestOverview(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	res := f.Get(t, c, "/nam/2024")
	expectStatus(t, "overview", res, http.StatusOK)
	body := res.Body
	feb, apr := columnOf(t, body, webtest.February), columnOf(t, body, "bao-cao-thang/2024-04")
	if n := len(regexp.MustCompile(`data-period=`).FindAllString(body, -1)); n != 13 {
		t.Errorf("%d columns, want 13: twelve months and the plan", n)
	}
	for code, want := range webtest.FebruaryStates {
		states := cellStates(t, body, code)
		if len(states) != 13 {
			t.Fatalf("%s: %d cells, want 13", code, len(states))
		}
		if states[feb] != want {
			t.Errorf("%s in February: %s, want %s", code, states[feb], want)
		}
		if states[apr] != "not_due" {
			t.Errorf("%s in April: %s, want not_due", code, states[apr])
		}
	}
	// The labels say the same: "Trễ 3 ngày" for Châu Đình, with a link to
	// the version.
	expectBody(t, "overview", body, fmt.Sprintf(`<a href="/ho-so/%d">Trễ 3 ngày</a>`, f.Seed.Late.ID), `class="cell st-missing"`)

	for state, want := range map[string]string{"owed": "8", "on_time": "1", "late": "2", "accepted": "2", "returned": "1", "missing": "2", "not_due": "0"} {
		if got := totals(t, body, state); len(got) != 13 || got[feb] != want {
			t.Errorf("February's total of %s = %v, want %s", state, got, want)
		}
	}
	if got := totals(t, body, "not_due"); got[apr] != "8" {
		t.Errorf("April's total not yet due = %s, want 8", got[apr])
	}

	// Grouped as the letter names the groups; in a group, Vietnamese order
	// (Phòng Tư pháp before Văn phòng, though the config lists them the
	// other way round).
	var order []string
	for _, m := range regexp.MustCompile(`<tr data-unit="([^"]+)">`).FindAllStringSubmatch(body, -1) {
		order = append(order, m[1])
	}
	want := []string{"phong-tu-phap", "van-phong", "tt-dv-nn", "tt-quy-hop", "xa-chau-dinh", "xa-chau-loc", "xa-chau-ly", "xa-dong-hop"}
	if !slices.Equal(order, want) {
		t.Errorf("rows %v, want %v", order, want)
	}
	groups := regexp.MustCompile(`scope="rowgroup">([^<]+)<`).FindAllStringSubmatch(body, -1)
	if len(groups) != 3 || groups[0][1] != "Phòng, ban chuyên môn" || groups[2][1] != "Xã, thị trấn" {
		t.Errorf("group headings %v", groups)
	}
	expectBody(t, "overview", body, `id="chart-rate"`, "<svg", "Tỷ lệ nộp đúng hạn", `href="/tai/nam/2024"`)
	// February: 2 of 8 on time, Châu Lộc unreviewed and Văn phòng
	// accepted; Châu Lý's acceptance came a day late.
	expectBody(t, "the chart", body, "Báo cáo CCHC tháng 02/2024 – Tất cả đơn vị: 25% đúng hạn (2/8)")
}

// TestOverviewFilters: a group, and a search without diacritics, narrow
// the rows and the totals alike.
func TestOverviewFilters(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	rows := func(body string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`<tr data-unit="([^"]+)">`).FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"?q=chau+loc", []string{"xa-chau-loc"}},
		{"?q=CHÂU%20LỘC", []string{"xa-chau-loc"}},
		{"?q=dong+hop", []string{"xa-dong-hop"}},
		{"?q=chau", []string{"xa-chau-dinh", "xa-chau-loc", "xa-chau-ly"}},
		{"?nhom=su-nghiep", []string{"tt-dv-nn"}},
		{"?nhom=phong-ban&q=tu+phap", []string{"phong-tu-phap"}},
		{"?nhom=khong-co", []string{"phong-tu-phap", "van-phong", "tt-dv-nn", "tt-quy-hop", "xa-chau-dinh", "xa-chau-loc", "xa-chau-ly", "xa-dong-hop"}},
		{"?q=khong+co+don+vi+nay", nil},
	} {
		res := f.Get(t, c, "/nam/2024"+tc.query)
		expectStatus(t, tc.query, res, http.StatusOK)
		if got := rows(res.Body); !slices.Equal(got, tc.want) {
			t.Errorf("%s: rows %v, want %v", tc.query, got, tc.want)
		}
		if tc.want == nil {
			expectBody(t, tc.query, res.Body, "Không có đơn vị nào khớp")
		}
	}
	body := f.Get(t, c, "/nam/2024?q=chau").Body
	feb := columnOf(t, body, webtest.February)
	if got := totals(t, body, "owed"); got[feb] != "3" {
		t.Errorf("February's units owed among the Châu communes: %s, want 3", got[feb])
	}
	if got := totals(t, body, "late"); got[feb] != "1" {
		t.Errorf("February's late among the Châu communes: %s, want 1", got[feb])
	}
}

// TestOverviewPages: past the page size the rows are paged, the totals
// still count every unit.
func TestOverviewPages(t *testing.T) {
	f := webtest.New(t, func(o *web.Options) { o.PageSize = 3 })
	c := f.Login(t, f.Admin.User)
	var seen []string
	for page := 1; page <= 3; page++ {
		res := f.Get(t, c, "/nam/2024?trang="+strconv.Itoa(page))
		expectStatus(t, "page", res, http.StatusOK)
		expectBody(t, "page", res.Body, fmt.Sprintf("trang %d/3", page))
		for _, m := range regexp.MustCompile(`<tr data-unit="([^"]+)">`).FindAllStringSubmatch(res.Body, -1) {
			seen = append(seen, m[1])
		}
		if got := totals(t, res.Body, "owed"); got[columnOf(t, res.Body, webtest.February)] != "8" {
			t.Errorf("page %d: February owed %v, want 8", page, got)
		}
	}
	if len(seen) != 8 {
		t.Errorf("the pages showed %v, want the 8 units once each", seen)
	}
	expectBody(t, "past the last page", f.Get(t, c, "/nam/2024?trang=99").Body, "trang 3/3")
}

// TestOtherYears: a year with no period says so; an impossible year is
// not found.
func TestOtherYears(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	res := f.Get(t, c, "/nam/2023")
	expectStatus(t, "2023", res, http.StatusOK)
	expectBody(t, "2023", res.Body, "Năm 2023 không có kỳ báo cáo nào", `href="/nam/2024"`)
	expectStatus(t, "year 99999", f.Get(t, c, "/nam/99999"), http.StatusNotFound)
	expectStatus(t, "year abc", f.Get(t, c, "/nam/abc"), http.StatusNotFound)
}

// TestPeriodPage: the counts as /status gives them, and per unit its
// state, time, lateness, reminders and unreachable members, with the
// review forms where a review is possible.
func TestPeriodPage(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	res := f.Get(t, c, "/ky/bao-cao-thang/2024-02")
	expectStatus(t, "period", res, http.StatusOK)
	body := res.Body
	expectBody(t, "period", body,
		"Báo cáo CCHC tháng 02/2024", "Thứ Năm 15/02/2024", "12/01/2024 – 12/02/2024",
		`<li data-count="submitted"><strong>5/8</strong> đã nộp (đúng hạn 2, trễ hạn 3)</li>`,
		`<li data-count="missing"><strong>2</strong> chưa nộp</li>`,
		`<li data-count="returned"><strong>1</strong> bị trả lại</li>`,
		`<li data-count="unreachable"><strong>1</strong> không liên lạc được</li>`,
		`<li data-count="accepted"><strong>2</strong> đã tiếp nhận</li>`,
		"Lý do: Thiếu phụ lục số liệu", "1 không liên lạc được",
		`id="remind"`, `href="/tai/ky/bao-cao-thang/2024-02"`, `id="chart-days"`)
	for code, want := range webtest.FebruaryStates {
		if got := cellStates(t, body, code); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %v, want %s", code, got, want)
		}
	}
	row := func(code string) string {
		i := strings.Index(body, `<tr data-unit="`+code+`">`)
		r := body[i:]
		return r[:strings.Index(r, "</tr>")]
	}
	expectBody(t, "Phòng Tư pháp's row", row("phong-tu-phap"), "<td>2 / 1</td>", "quá hạn 34 ngày")
	expectBody(t, "Châu Đình's row", row("xa-chau-dinh"), "18/02/2024 09:30", "<td>3 ngày</td>", "/tiep-nhan", "/tra-lai")
	if r := row("van-phong"); strings.Contains(r, "/tiep-nhan") || !strings.Contains(r, "/tra-lai") {
		t.Errorf("an accepted report should offer only a return:\n%s", r)
	}
	if r := row("xa-dong-hop"); strings.Contains(r, "<form") {
		t.Errorf("a unit with nothing sent offers a review:\n%s", r)
	}

	// The state filter.
	res = f.Get(t, c, "/ky/bao-cao-thang/2024-02?trang-thai=cho-xem-xet")
	var got []string
	for _, m := range regexp.MustCompile(`<tr data-unit="([^"]+)">`).FindAllStringSubmatch(res.Body, -1) {
		got = append(got, m[1])
	}
	if want := []string{"tt-dv-nn", "xa-chau-dinh", "xa-chau-loc"}; !slices.Equal(got, want) {
		t.Errorf("units waiting for review: %v, want %v", got, want)
	}
	expectStatus(t, "an unknown period", f.Get(t, c, "/ky/bao-cao-thang/2019-02"), http.StatusNotFound)
	expectStatus(t, "an unknown kind", f.Get(t, c, "/ky/khong-co/2024"), http.StatusNotFound)
	if loc := f.Get(t, c, "/ky").Header.Get("Location"); loc != "/ky/bao-cao-thang/2024-03" {
		t.Errorf("/ky leads to %q, want March, the open period nearest its deadline", loc)
	}
}

// TestUnitPage: every period, every version with its files, and the
// members with their networks.
func TestUnitPage(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	res := f.Get(t, c, "/don-vi/xa-chau-loc")
	expectStatus(t, "unit", res, http.StatusOK)
	expectBody(t, "unit", res.Body,
		"UBND xã Châu Lộc", "xa-chau-loc", "Chủ tịch UBND xã",
		"Lê Văn Lộc", "@levanloc", `data-channel="Telegram"`, "Hà Thị Phó", `data-channel="Zalo"`,
		"Báo cáo CCHC tháng 01/2024", "Báo cáo CCHC tháng 02/2024", "Báo cáo CCHC tháng 03/2024", "Kế hoạch khắc phục",
		f.Seed.OnTime.ReceiptNo(), fmt.Sprintf(`href="/tep/%d/0"`, f.Seed.OnTime.ID), f.Seed.FileName,
		`id="create-invite"`)
	// Newest period first.
	if i, j := strings.Index(res.Body, "tháng 03/2024"), strings.Index(res.Body, "tháng 01/2024"); i > j {
		t.Errorf("March listed after January")
	}
	res = f.Get(t, c, "/don-vi/tt-quy-hop")
	expectBody(t, "Quỳ Hợp", res.Body, "Không liên lạc được", "Người dùng đã chặn bot", "lý do: Thiếu phụ lục số liệu")
	expectBody(t, "Đồng Hợp", f.Get(t, c, "/don-vi/xa-dong-hop").Body, "Đơn vị chưa có thành viên nhận tin", "Chưa nộp.")
	expectStatus(t, "an unknown unit", f.Get(t, c, "/don-vi/khong-co"), http.StatusNotFound)
}

// TestSubmissionPage: one version with its files, its state and the
// forms; the unit's other versions beside it.
func TestSubmissionPage(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	ret := f.Seed.Returned
	res := f.Get(t, c, "/ho-so/"+strconv.FormatUint(ret.ID, 10))
	expectStatus(t, "submission", res, http.StatusOK)
	expectBody(t, "submission", res.Body, "UBND thị trấn Quỳ Hợp", ret.ReceiptNo(), `data-state="returned"`, "Thiếu phụ lục số liệu",
		webtest.Admins[0].Name, `id="accept"`, "14/02/2024 16:00, đúng hạn")
	if strings.Contains(res.Body, `id="return"`) {
		t.Errorf("a returned version offers to return it again")
	}
	expectStatus(t, "number 0", f.Get(t, c, "/ho-so/0"), http.StatusNotFound)
	expectStatus(t, "not a number", f.Get(t, c, "/ho-so/abc"), http.StatusNotFound)
	expectStatus(t, "unknown", f.Get(t, c, "/ho-so/424242"), http.StatusNotFound)
}

// TestPagesUseNoInlineScriptOrStyle: the CSP allows neither, so no page
// may rely on one.
func TestPagesUseNoInlineScriptOrStyle(t *testing.T) {
	f := webtest.New(t)
	c := f.Login(t, f.Admin.User)
	csrf := f.CSRF(t, c)
	pages := map[string]string{}
	for _, p := range []string{"/", "/ky/bao-cao-thang/2024-02", "/ky/bao-cao-thang/2024-03/nhac", "/don-vi/xa-chau-loc", "/ho-so/1", "/khong-co", "/dang-nhap/" + strings.Repeat("Z", 43)} {
		pages[p] = f.Get(t, c, p).Body
	}
	pages["invite"] = f.Post(t, c, "/don-vi/xa-dong-hop/moi", map[string][]string{"csrf": {csrf}}).Body
	for p, body := range pages {
		for _, bad := range []string{"<script", " style=", " onclick=", " onload=", "javascript:", "http://", "https://fonts"} {
			if bad == "http://" {
				body = strings.ReplaceAll(body, "http://www.w3.org/2000/svg", "")
			}
			if strings.Contains(body, bad) {
				t.Errorf("%s holds %q", p, bad)
			}
		}
	}
}

// TestOverviewSeesChanges: the overview's cache never shows a state older
// than the store's: a decision on the page, a report recorded by the
// chat and a decision in chat all show at the next request.
func TestOverviewSeesChanges(t *testing.T) {
	f := webtest.New(t)
	ctx := t.Context()
	c := f.Login(t, f.Admin.User)
	stateOf := func(code, period string) string {
		t.Helper()
		body := f.Get(t, c, "/nam/2024").Body
		return cellStates(t, body, code)[columnOf(t, body, period)]
	}
	if got := stateOf("xa-chau-dinh", webtest.February); got != "late" {
		t.Fatalf("before: %s", got)
	}
	// A decision on the dashboard.
	res := f.Post(t, c, "/ho-so/"+strconv.FormatUint(f.Seed.Late.ID, 10)+"/tiep-nhan", map[string][]string{"csrf": {f.CSRF(t, c)}})
	expectStatus(t, "accept", res, http.StatusOK)
	if got := stateOf("xa-chau-dinh", webtest.February); got != "accepted" {
		t.Errorf("after accepting on the page: %s, want accepted", got)
	}
	// A report recorded by the chat, for another period.
	if got := stateOf("xa-dong-hop", "bao-cao-thang/2024-03"); got != "missing" {
		t.Fatalf("Đồng Hợp in March before: %s", got)
	}
	sub := &cchcbot.Submission{PeriodID: "bao-cao-thang/2024-03", UnitCode: "xa-dong-hop", SubmittedBy: "telegram:1", SubmittedAt: f.Clock.Now(), DaysLate: 8}
	if _, err := f.DB.RecordSubmission(ctx, sub, nil); err != nil {
		t.Fatal(err)
	}
	if got := stateOf("xa-dong-hop", "bao-cao-thang/2024-03"); got != "late" {
		t.Errorf("after a report in chat: %s, want late", got)
	}
	// A decision in chat.
	if _, err := f.Chat.Review(ctx, f.Admin.User, sub.ID, cchcbot.StateReturned, "Sai mẫu"); err != nil {
		t.Fatal(err)
	}
	if got := stateOf("xa-dong-hop", "bao-cao-thang/2024-03"); got != "returned" {
		t.Errorf("after a return in chat: %s, want returned", got)
	}
	// And the period page, which reads the same cache.
	body := f.Get(t, c, "/ky/bao-cao-thang/2024-03").Body
	if got := cellStates(t, body, "xa-dong-hop"); len(got) != 1 || got[0] != "returned" {
		t.Errorf("the period page: %v, want returned", got)
	}
	expectBody(t, "the period page", body, "Lý do: Sai mẫu")
}

// TestWorkflowStates: an extension granted makes a late report on time
// against the unit's own deadline, and an exemption excuses a unit: on
// the overview and on the period page alike, as /status shows them.
func TestWorkflowStates(t *testing.T) {
	f := webtest.New(t)
	ctx := t.Context()
	c := f.Login(t, f.Admin.User)
	if err := f.DB.CreateExtension(ctx, &cchcbot.Extension{PeriodID: webtest.February, UnitCode: "xa-chau-dinh", State: cchcbot.ExtensionApproved,
		Until: cchcbot.D(2024, 2, 20), Reason: "Mất điện", DecidedBy: f.Admin.User, DecidedAt: f.Clock.Now()}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.DB.SetExemption(ctx, cchcbot.Exemption{PeriodID: webtest.February, UnitCode: "phong-tu-phap", Reason: "Sáp nhập đơn vị", By: f.Admin.User}, nil); err != nil {
		t.Fatal(err)
	}
	body := f.Get(t, c, "/nam/2024").Body
	feb := columnOf(t, body, webtest.February)
	for code, want := range map[string]string{"xa-chau-dinh": "on_time", "phong-tu-phap": "exempt", "tt-dv-nn": "late"} {
		if got := cellStates(t, body, code)[feb]; got != want {
			t.Errorf("overview, %s in February: %s, want %s", code, got, want)
		}
	}
	if got := totals(t, body, "owed"); got[feb] != "7" {
		t.Errorf("February owed by %s units, want 7 (one exempt)", got[feb])
	}
	if got := totals(t, body, "exempt"); got[feb] != "1" {
		t.Errorf("February exempt: %s, want 1", got[feb])
	}
	res := f.Get(t, c, "/ky/bao-cao-thang/2024-02")
	for code, want := range map[string]string{"xa-chau-dinh": "on_time", "phong-tu-phap": "exempt"} {
		if got := cellStates(t, res.Body, code); len(got) != 1 || got[0] != want {
			t.Errorf("period page, %s: %v, want %s", code, got, want)
		}
	}
	expectBody(t, "the period page", res.Body, "gia hạn đến 20/02/2024", "Miễn nộp: Sáp nhập đơn vị",
		`<li data-count="extended"><strong>1</strong> được gia hạn</li>`, `<li data-count="exempt"><strong>1</strong> được miễn nộp</li>`,
		`<li data-count="submitted"><strong>5/7</strong> đã nộp (đúng hạn 3, trễ hạn 2)</li>`)
}
