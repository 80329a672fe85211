package browsertest

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Tab is one browser tab of a test. It lives in its own browser context, as
// an incognito window does: it starts with no cookies and shares none with
// other tabs. Its methods fail the test on error; they must be called from
// the test's goroutine.
type Tab struct {
	tb testing.TB
	*tabState
}

// tabState is the tab itself, shared by its views for subtests (With).
type tabState struct {
	ctx context.Context

	mu       sync.Mutex
	problems []string // script errors and refusals by the page's own policy
	ignore   bool

	downloads   string // where the browser saves this tab's downloads
	downloadsOn bool   // the browser was told so
}

// With returns the same tab failing tb instead, for a subtest that goes on
// using its parent's tab: a test may only be stopped from its own
// goroutine.
func (t *Tab) With(tb testing.TB) *Tab { return &Tab{tb: tb, tabState: t.tabState} }

// NewTab opens a tab for the test, closed when the test ends. Everything it
// does must finish within DefaultTabTimeout. At the end of the test the tab
// fails it if a page threw an uncaught exception or broke its own
// Content-Security-Policy (an inline script, a style from elsewhere), unless
// IgnoreProblems was called.
func (b *Browser) NewTab(tb testing.TB) *Tab {
	tb.Helper()
	tctx, cancelTimeout := context.WithTimeout(b.ctx, DefaultTabTimeout)
	ctx, cancel := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext())
	tab := &Tab{tb: tb, tabState: &tabState{ctx: ctx, downloads: tb.TempDir()}}
	tb.Cleanup(func() {
		// Cancel waits for the tab and its browser context to close, so
		// the next test starts from a quiet browser.
		chromedp.Cancel(ctx)
		cancel()
		cancelTimeout()
	})
	if err := chromedp.Do(ctx); err != nil {
		fail(tb, "opening a tab", err)
	}
	if err := chromedp.Listen(ctx, tab.watch); err != nil {
		fail(tb, "listening to the tab", err)
	}
	// The log domain carries the browser's own messages, among them the
	// refusals of the Content-Security-Policy.
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		fail(tb, "enabling the tab's log", err)
	}
	tb.Cleanup(tab.checkProblems) // runs before the tab closes (LIFO)
	return tab
}

// Context returns the tab's chromedp context, for actions the helpers do
// not cover: chromedp.Run(tab.Context(), ...).
func (t *Tab) Context() context.Context { return t.ctx }

// watch runs in the tab's event loop: it only records.
func (t *Tab) watch(ev any) {
	var p string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		p = "uncaught exception: " + exceptionText(ev.ExceptionDetails)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			p = "console.error: " + strings.Join(parts, " ")
		}
	case *log.EventEntryAdded:
		// A refused response (403, 404) is logged by the network source as
		// an error: that is what some tests ask for, not a fault of the page.
		if ev.Entry.Level == log.EntryLevelError && ev.Entry.Source != log.EntrySourceNetwork {
			p = string(ev.Entry.Source) + ": " + ev.Entry.Text + " (" + ev.Entry.URL + ")"
		}
	}
	if p == "" {
		return
	}
	t.mu.Lock()
	t.problems = append(t.problems, p)
	t.mu.Unlock()
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return ""
	}
	s := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		s += " " + d.Exception.Description
	}
	return s + " at " + d.URL
}

// Problems returns the script errors and policy refusals seen so far.
func (t *Tab) Problems() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.problems...)
}

// IgnoreProblems stops the tab from failing the test for script errors,
// for a test that provokes them on purpose.
func (t *Tab) IgnoreProblems() {
	t.mu.Lock()
	t.ignore = true
	t.mu.Unlock()
}

func (t *Tab) checkProblems() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ignore {
		return
	}
	for _, p := range t.problems {
		t.tb.Errorf("the page reported a problem: %s", p)
	}
}

// Navigate loads url and waits for the page to load. It returns the HTTP
// status of the document.
func (t *Tab) Navigate(url string) int64 {
	t.tb.Helper()
	resp, err := chromedp.Run(t.ctx, chromedp.NavigateResponse(url))
	if err != nil {
		fail(t.tb, "opening "+url, err)
	}
	if resp == nil {
		return 0
	}
	return resp.Status
}

// ClickNavigate clicks the element and waits for the page it leads to,
// through a link or a form's submit button. It returns the HTTP status of
// the new document.
func (t *Tab) ClickNavigate(sel string) int64 {
	t.tb.Helper()
	resp, err := chromedp.RunResponse(t.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		fail(t.tb, t.where("clicking "+sel), err)
	}
	if resp == nil {
		return 0
	}
	return resp.Status
}

// Click clicks the first visible element sel matches, for an action that
// stays on the page (a confirmation step, a filter).
func (t *Tab) Click(sel string) {
	t.tb.Helper()
	if err := chromedp.Do(t.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		fail(t.tb, t.where("clicking "+sel), err)
	}
}

// SetValue sets a form field's value, replacing what it held.
func (t *Tab) SetValue(sel, value string) {
	t.tb.Helper()
	if err := chromedp.Do(t.ctx, chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
		fail(t.tb, t.where("setting "+sel), err)
	}
}

// Type types text into a field with key events, as a person would.
func (t *Tab) Type(sel, text string) {
	t.tb.Helper()
	if err := chromedp.Do(t.ctx, chromedp.SendKeys(chromedp.CSS(sel), text, chromedp.NodeVisible)); err != nil {
		fail(t.tb, t.where("typing into "+sel), err)
	}
}

// WaitVisible waits until an element sel matches is shown.
func (t *Tab) WaitVisible(sel string) {
	t.tb.Helper()
	if err := chromedp.Do(t.ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		fail(t.tb, t.where("waiting for "+sel+" to show"), err)
	}
}

// WaitFor waits until the JavaScript expression is true in the page, on
// every change of the DOM (never on a timer).
func (t *Tab) WaitFor(expr string) {
	t.tb.Helper()
	_, err := chromedp.Run(t.ctx, chromedp.Poll[bool]("!!("+expr+")", chromedp.WithPollingMutation()))
	if err != nil {
		fail(t.tb, t.where("waiting for "+expr), err)
	}
}

// Text returns the rendered text of the first element sel matches, as the
// reader sees it (innerText: hidden parts left out), trimmed. It waits for
// the element to exist.
func (t *Tab) Text(sel string) string {
	t.tb.Helper()
	s, err := chromedp.Run(t.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		fail(t.tb, t.where("reading "+sel), err)
	}
	return strings.TrimSpace(s)
}

// Texts returns the rendered text of every element sel matches, trimmed,
// without waiting: none is an empty list.
func (t *Tab) Texts(sel string) []string {
	t.tb.Helper()
	return Eval[[]string](t, `Array.from(document.querySelectorAll(`+jsString(sel)+`), e => e.innerText.trim())`)
}

// BodyText returns the text of the whole page as the reader sees it.
func (t *Tab) BodyText() string {
	t.tb.Helper()
	return Eval[string](t, `document.body ? document.body.innerText : ""`)
}

// Count returns how many elements sel matches now, without waiting.
func (t *Tab) Count(sel string) int {
	t.tb.Helper()
	return Eval[int](t, `document.querySelectorAll(`+jsString(sel)+`).length`)
}

// Attr returns an attribute of the first element sel matches, and whether
// there is such an element with the attribute; it does not wait.
func (t *Tab) Attr(sel, name string) (string, bool) {
	t.tb.Helper()
	v := Eval[*string](t, `(e => e && e.hasAttribute(`+jsString(name)+`) ? e.getAttribute(`+jsString(name)+`) : null)(document.querySelector(`+jsString(sel)+`))`)
	if v == nil {
		return "", false
	}
	return *v, true
}

// Style returns the computed value of a CSS property of the first element
// sel matches ("rgb(25, 135, 84)" for a colour): what the browser paints,
// whatever rule or class put it there.
func (t *Tab) Style(sel, property string) string {
	t.tb.Helper()
	v := Eval[*string](t, `(e => e ? getComputedStyle(e).getPropertyValue(`+jsString(property)+`) : null)(document.querySelector(`+jsString(sel)+`))`)
	if v == nil {
		t.tb.Fatalf("%s: no element %s", t.where("reading the style "+property), sel)
	}
	return *v
}

// URL returns the address the tab shows.
func (t *Tab) URL() string {
	t.tb.Helper()
	u, err := chromedp.Run(t.ctx, chromedp.Location())
	if err != nil {
		fail(t.tb, "reading the location", err)
	}
	return u
}

// Title returns the page's title.
func (t *Tab) Title() string {
	t.tb.Helper()
	s, err := chromedp.Run(t.ctx, chromedp.Title())
	if err != nil {
		fail(t.tb, "reading the title", err)
	}
	return s
}

// Cookies returns the cookies the tab's browser context holds for url.
func (t *Tab) Cookies(url string) []*network.Cookie {
	t.tb.Helper()
	res, err := chromedp.Call(t.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		fail(t.tb, "reading cookies", err)
	}
	return res.Cookies
}

// SetCookie puts a cookie for url into the tab's browser context, as a
// forger would.
func (t *Tab) SetCookie(url, name, value string) {
	t.tb.Helper()
	_, err := chromedp.Call(t.ctx, network.SetCookie, network.SetCookieParams{URL: url, Name: name, Value: value, HTTPOnly: ptr(true)})
	if err != nil {
		fail(t.tb, "setting cookie "+name, err)
	}
}

// Viewport makes the tab a screen of width × height CSS pixels at scale
// 1; mobile also makes it a phone's (touch, the page's viewport meta tag
// obeyed), for checking a layout on a phone.
func (t *Tab) Viewport(width, height int64, mobile bool) {
	t.tb.Helper()
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(t.ctx, chromedp.EmulateViewport(width, height, opts...)); err != nil {
		fail(t.tb, "setting the viewport", err)
	}
}

// Screenshot returns a PNG of the whole page, beyond the window's height.
func (t *Tab) Screenshot() []byte {
	t.tb.Helper()
	b, err := chromedp.Run(t.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		fail(t.tb, "taking a screenshot", err)
	}
	return b
}

// WindowScreenshot returns a PNG of what the window shows: the top of the
// page at the viewport's size, as a person sees it on opening the page.
func (t *Tab) WindowScreenshot() []byte {
	t.tb.Helper()
	b, err := chromedp.Run(t.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		fail(t.tb, "taking a screenshot", err)
	}
	return b
}

// Eval evaluates a JavaScript expression in the page and decodes its value
// (JSON) into T. Evaluation through the DevTools protocol is not bound by
// the page's Content-Security-Policy, so it reads any page.
func Eval[T any](t *Tab, expr string) T {
	t.tb.Helper()
	v, err := chromedp.Run(t.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		fail(t.tb, t.where("evaluating "+expr), err)
	}
	return v
}

// where names the page an action failed on, for the failure message.
func (t *Tab) where(what string) string {
	ctx, cancel := context.WithTimeout(t.ctx, 2*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return what
	}
	return what + " on " + u
}

// jsString quotes s as a JavaScript string literal (JSON's quoting is
// valid JavaScript, with <, > and & escaped).
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func ptr[T any](v T) *T { return &v }
