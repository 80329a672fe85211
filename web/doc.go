// Package web is the office's dashboard, served by `cchcbot run` itself:
// the year at a glance (units × periods), a period's standing with review
// and reminders, a unit's history with its files and a new member's
// invite, the downloads (a report file, the year's workbook, a period's
// archive) and server-drawn SVG charts. Pages are html/template, in
// Vietnamese; the style sheet is embedded; no script runs at all.
//
// # Signing in
//
// There are no passwords. An admin sends /web to the bot (or staff run
// `cchcbot web-login ADMIN`) and gets a link, BaseURL + "/dang-nhap/" +
// a 256-bit token, valid LoginTTL and single use; the store keeps only its
// sha256. Opening the link (GET) consumes nothing, since chat apps fetch
// links for their previews: it shows a page with one button, "Đăng
// nhập" (#login-button), whose POST to /dang-nhap starts a session of
// SessionTTL and redirects to "/". The session cookie is HttpOnly,
// SameSite=Lax, Path=/, Secure and __Host- prefixed when BaseURL is https;
// its id, too, is stored hashed. Every request checks that the session's
// person is still an admin; every POST carries the session's CSRF token
// (field "csrf"). A link unknown (401), used or expired (410), and a
// request without a session (401) get a Vietnamese page with no data.
//
// # Routes
//
//	GET  /dang-nhap/{token}          the login link's page
//	POST /dang-nhap                  token=… : starts the session
//	POST /dang-xuat                  csrf=… : ends it
//	GET  /  and  /nam/{year}         overview; ?nhom=GROUP&q=SEARCH&trang=N
//	GET  /ky                         redirect to the current period
//	GET  /ky/{kind}/{key}            one period (its id, "bao-cao-thang/2026-02");
//	                                 ?trang-thai=chua-nop|cho-xem-xet|bi-tra-lai|da-tiep-nhan&nhom=&q=&trang=
//	GET  /ky/{kind}/{key}/nhac       confirm a reminder round; POST it (csrf, nonce)
//	GET  /don-vi/{code}              one unit; POST /don-vi/{code}/moi makes an invite
//	GET  /ho-so/{id}                 one submission; POST …/tiep-nhan, POST …/tra-lai (ly-do=…)
//	GET  /tep/{id}/{index}           file index (from 0) of submission id
//	GET  /tai/nam/{year}             the year's workbook (.xlsx)
//	GET  /tai/ky/{kind}/{key}        the period's archive (.zip)
//
// Cells and rows carry what a test reads: td.cell[data-state] (accepted,
// on_time, late, returned, missing, not_due, exempt, not_owed) with class
// st-<state>; tr[data-unit=CODE]; th[data-period=ID]; the totals as
// tfoot tr[data-total=owed|STATE]; the period's counts as
// #counts li[data-count=…]; #message holds a message page's text.
//
// # Starting it in a test
//
// web/webtest starts it as `cchcbot run` wires it: webtest.New(t) opens a
// real store in t.TempDir(), seeds a district of eight units whose every
// February state is known (webtest.FebruaryStates), and serves the
// dashboard on a loopback httptest.Server (f.URL, also its BaseURL) with
// the real chat service and scheduler behind the forms and the real outbox
// delivering to a recording network (f.Network). f.LoginLink(t, admin)
// makes a link a browser opens; f.Login(t, admin) returns an http.Client
// holding a session; f.Drain(t) waits until the outbox delivered what the
// dashboard caused. Tuning functions change the Options before the start.
//
// By hand, on any store (synth.Populate seeds a province):
//
//	srv, err := web.New(web.Options{Store: db, Calendar: cal, Clock: clock,
//		Reviewer: chatService, Inviter: chatService, Reminder: scheduler, // each may be nil
//		BaseURL: "http://127.0.0.1:8080"})                               // http only to a loopback host
//	ts := httptest.NewServer(srv.Handler())
//	link, expires, err := web.NewLoginLink(ctx, db, ts.URL, admin, clock.Now())
//
// NewLoginLink takes the base URL, so a link may be made for the test
// server's address whatever the Server's BaseURL (which sets the cookie's
// Secure flag and the links of Server.LoginLink). Production wiring is in
// cmd/cchcbot/web.go; Serve(ctx, ln) serves until ctx ends.
package web
