package browsertest

import (
	"os"
	"path/filepath"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Download is a file the browser saved, as a person clicking the link gets
// it.
type Download struct {
	// Name is the file name the browser chose from the response
	// (Content-Disposition): what the person sees in their downloads.
	Name string
	URL  string
	Body []byte
}

// Download clicks the element sel matches, which must start a download
// (a link to a response with Content-Disposition: attachment), waits for
// the browser to finish saving it and returns it.
func (t *Tab) Download(sel string) Download {
	t.tb.Helper()
	if !t.downloadsOn {
		// allowAndName saves each file under its download id, so a name
		// from the server never reaches the file system here either.
		_, err := chromedp.CallBrowser(t.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior:         browser.SetDownloadBehaviorBehaviorAllowAndName,
			BrowserContextID: chromedp.FromContext(t.ctx).BrowserContextID,
			DownloadPath:     t.downloads,
			EventsEnabled:    ptr(true),
		})
		if err != nil {
			fail(t.tb, "allowing downloads", err)
		}
		t.downloadsOn = true
	}
	// Subscribe before the click: the events queue until read.
	begins := chromedp.BrowserEvents(t.ctx, browser.DownloadWillBegin)
	progress := chromedp.BrowserEvents(t.ctx, browser.DownloadProgress)
	t.Click(sel)
	var d Download
	var guid string
	for ev, err := range begins {
		if err != nil {
			fail(t.tb, t.where("waiting for the download of "+sel+" to begin"), err)
		}
		guid, d.Name, d.URL = ev.GUID, ev.SuggestedFilename, ev.URL
		break
	}
	for ev, err := range progress {
		if err != nil {
			fail(t.tb, "waiting for the download of "+d.URL+" to finish", err)
		}
		if ev.GUID != guid {
			continue
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.tb.Fatalf("the browser canceled the download of %s (%s)", d.URL, d.Name)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			break
		}
	}
	body, err := os.ReadFile(filepath.Join(t.downloads, guid))
	if err != nil {
		t.tb.Fatalf("reading the downloaded %s: %v", d.Name, err)
	}
	d.Body = body
	return d
}
