package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"cchcbot"
)

// An upload's time limit follows its size. A district office shares one
// slow line (ADSL or 4G, often about 256 kbit/s up while colleagues use
// it), so an upload gets uploadBase for the request and Telegram's answer
// plus its size at uploadRate: 33 s for 100 KB, about 27 minutes for the
// 50 MB Telegram accepts. A fixed limit would either cut a big report
// short or let a dead connection hold a small one for half an hour.
const (
	uploadBase = 30 * time.Second
	uploadRate = 32 << 10 // bytes per second
	maxUpload  = 50 << 20 // the cloud Bot API's limit, assumed when the size is unknown
)

// pace turns a size into a transfer's time limit.
type pace struct {
	base time.Duration
	rate int64 // bytes per second
}

func (p pace) timeout(size int64) time.Duration {
	if size <= 0 {
		size = maxUpload
	}
	return p.base + time.Duration(size/p.rate)*time.Second + time.Duration(size%p.rate)*time.Second/time.Duration(p.rate)
}

// SendDocument sends a file back by Telegram's file_id (no re-upload) or
// uploads it from Open, within a time that grows with d.Size.
func (t *Telegram) SendDocument(ctx context.Context, d cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	id, err := chatID(d.To)
	if err != nil {
		return cchcbot.MessageRef{}, err
	}
	var file tgbotapi.RequestFileData
	hc := t.http
	if d.ChannelFileID != "" {
		file = tgbotapi.FileID(d.ChannelFileID)
	} else {
		rc, err := d.Open()
		if err != nil {
			return cchcbot.MessageRef{}, err
		}
		defer rc.Close()
		file = tgbotapi.FileReader{Name: d.Name, Reader: rc}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.pace.timeout(d.Size))
		defer cancel()
		hc = t.upload
	}
	doc := tgbotapi.NewDocument(id, file)
	doc.Caption = d.Caption
	api, done := t.call(ctx, hc)
	defer done()
	m, err := api.Send(doc)
	if err != nil {
		return cchcbot.MessageRef{}, classify(t.red.Error(err))
	}
	return ref(d.To, m), nil
}

// FetchFile opens a file a person sent. Files over the limit are refused
// before any request; the body is checked against getFile's size, so a
// truncated download is an error, never a short file.
func (t *Telegram) FetchFile(ctx context.Context, f cchcbot.IncomingFile) (io.ReadCloser, error) {
	if f.Size > t.cfg.MaxFileSize {
		return nil, tooLarge(t.cfg.MaxFileSize)
	}
	api, done := t.call(ctx, t.http)
	tf, err := api.GetFile(tgbotapi.FileConfig{FileID: f.ChannelFileID})
	done()
	if err != nil {
		var te *tgbotapi.Error
		if errors.As(err, &te) && te.Code == 400 && strings.Contains(strings.ToLower(te.Message), "too big") {
			return nil, tooLarge(t.cfg.MaxFileSize)
		}
		return nil, classify(t.red.Error(err))
	}
	if int64(tf.FileSize) > t.cfg.MaxFileSize {
		return nil, tooLarge(t.cfg.MaxFileSize)
	}
	// tgbotapi's File.Link points at the cloud; build the URL from our
	// endpoint, and never log it: it holds the token.
	url := fmt.Sprintf(t.cfg.FileEndpoint, t.cfg.Token, tf.FilePath)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, t.red.Error(err)
	}
	resp, err := t.download.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, t.red.Error(err)
		}
		return nil, &cchcbot.TemporaryError{Err: t.red.Error(err)}
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		err := fmt.Errorf("download: HTTP %d", resp.StatusCode)
		if resp.StatusCode >= 500 {
			return nil, &cchcbot.TemporaryError{Err: err}
		}
		return nil, err
	}
	return &sizedBody{rc: resp.Body, want: int64(tf.FileSize), red: t.red}, nil
}

func tooLarge(limit int64) error {
	return cchcbot.Errorf(cchcbot.ETOOLARGE, "Tệp vượt quá giới hạn %d MB mà Telegram cho phép bot tải về. Xin vui lòng nén tệp (ZIP) hoặc chia thành nhiều tệp nhỏ hơn rồi gửi lại.", limit>>20)
}

// sizedBody fails a download whose length differs from what getFile said.
type sizedBody struct {
	rc   io.ReadCloser
	want int64
	got  int64
	red  redactor
}

func (b *sizedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.got += int64(n)
	switch {
	case b.want > 0 && b.got > b.want:
		return n, &cchcbot.TemporaryError{Err: fmt.Errorf("download: got more than the %d bytes announced", b.want)}
	case err == io.EOF && b.want > 0 && b.got != b.want:
		return n, &cchcbot.TemporaryError{Err: fmt.Errorf("download: got %d of %d bytes", b.got, b.want)}
	case err != nil && err != io.EOF:
		return n, &cchcbot.TemporaryError{Err: b.red.Error(err)}
	}
	return n, err
}

func (b *sizedBody) Close() error { return b.rc.Close() }
