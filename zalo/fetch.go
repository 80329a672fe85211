package zalo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"cchcbot"
)

// A transfer's time limit follows its size, as in package bot: a district
// office shares one slow line, so a transfer gets transferBase for the
// request and the answer plus its size at transferRate: 33 s for 100 KB,
// about 11 minutes for 20 MB. A fixed limit would either cut a big report
// short or let a dead connection hold a small one for long.
const (
	transferBase = 30 * time.Second
	transferRate = 32 << 10 // bytes per second
)

// pace turns a size into a transfer's time limit.
type pace struct {
	base time.Duration
	rate int64 // bytes per second
}

func (p pace) timeout(size int64) time.Duration {
	return p.base + time.Duration(size/p.rate)*time.Second + time.Duration(size%p.rate)*time.Second/time.Duration(p.rate)
}

// errTransferSlow is the cause of a transfer's own time limit: unlike the
// caller's cancellation, it is a temporary failure.
var errTransferSlow = errors.New("zalo: transfer took longer than its size allows")

// withPace bounds a transfer of size bytes.
func (c *Client) withPace(ctx context.Context, size int64) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, c.pace.timeout(size), errTransferSlow)
}

// FetchFile opens a file a person sent: f.ChannelFileID is the URL the
// webhook event gave. A file declared over MaxFileSize is refused before
// any request; the body is checked while it is read, so a longer one is
// refused and a truncated one is a temporary error, never a short file.
// The URL is never logged nor put in an error: its query may hold a token.
func (c *Client) FetchFile(ctx context.Context, f cchcbot.IncomingFile) (io.ReadCloser, error) {
	if f.Size > c.cfg.MaxFileSize {
		return nil, tooLarge(c.cfg.MaxFileSize)
	}
	return c.download(ctx, f.ChannelFileID, f.Size, c.cfg.MaxFileSize)
}

func tooLarge(limit int64) error {
	return cchcbot.Errorf(cchcbot.ETOOLARGE, "Tệp vượt quá giới hạn %d MB mà hệ thống nhận qua Zalo. Xin vui lòng nén tệp (ZIP) hoặc chia thành nhiều tệp nhỏ hơn rồi gửi lại.", limit>>20)
}

// download GETs raw, declared bytes long if declared > 0, refusing more
// than limit.
func (c *Client) download(ctx context.Context, raw string, declared, limit int64) (io.ReadCloser, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "Đường dẫn tải tệp từ Zalo không hợp lệ.")
	}
	size := declared
	if size <= 0 {
		size = limit
	}
	dctx, cancel := c.withPace(ctx, size)
	req, err := http.NewRequestWithContext(dctx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return nil, cchcbot.Errorf(cchcbot.EINVALID, "Đường dẫn tải tệp từ Zalo không hợp lệ.")
	}
	resp, err := c.transfer.Do(req)
	if err != nil {
		err = c.netError(dctx, err) // before cancel, which would look like the caller's
		cancel()
		return nil, fmt.Errorf("zalo: download: %w", err)
	}
	fail := func(err error) (io.ReadCloser, error) {
		resp.Body.Close()
		cancel()
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone || resp.StatusCode == http.StatusForbidden:
		return fail(fmt.Errorf("%w: HTTP %d", cchcbot.Errorf(cchcbot.ENOTFOUND, "Tệp không còn trên máy chủ Zalo (đường dẫn tải đã hết hạn). Xin vui lòng gửi lại tệp."), resp.StatusCode))
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return fail(&cchcbot.TemporaryError{Err: fmt.Errorf("zalo: download: HTTP %d", resp.StatusCode)})
	case resp.StatusCode != http.StatusOK:
		return fail(fmt.Errorf("zalo: download: HTTP %d", resp.StatusCode))
	case resp.ContentLength > limit:
		return fail(tooLarge(limit))
	}
	return &sizedBody{c: c, ctx: dctx, cancel: cancel, rc: resp.Body, want: declared, limit: limit}, nil
}

// sizedBody fails a download longer than declared or than the limit, and
// one that ends short of what was declared.
type sizedBody struct {
	c      *Client
	ctx    context.Context
	cancel context.CancelFunc
	rc     io.ReadCloser
	want   int64
	limit  int64
	got    int64
}

func (b *sizedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.got += int64(n)
	switch {
	case b.got > b.limit:
		return n, tooLarge(b.limit)
	case b.want > 0 && b.got > b.want:
		return n, cchcbot.Errorf(cchcbot.EINVALID, "Tệp tải từ Zalo dài hơn kích thước Zalo đã báo (%d byte): tệp không được nhận. Xin vui lòng gửi lại tệp.", b.want)
	case err == io.EOF && b.want > 0 && b.got != b.want:
		return n, &cchcbot.TemporaryError{Err: fmt.Errorf("zalo: download: got %d of %d bytes", b.got, b.want)}
	case err != nil && err != io.EOF:
		return n, fmt.Errorf("zalo: download: %w", b.c.netError(b.ctx, err))
	}
	return n, err
}

func (b *sizedBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}
