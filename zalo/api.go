package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"cchcbot"
)

// envelope is every OA API answer: "error" 0 and "data", or a code and
// "message".
type envelope struct {
	Error   int             `json:"error"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// maxAnswer bounds an answer read into memory: Zalo's are a few hundred
// bytes, a proxy's error page a few KB.
const maxAnswer = 1 << 20

// request is one HTTP request to Zalo, made again from its fields when a
// refused access token is refreshed.
type request struct {
	hc          *http.Client
	path        string // the API path, by which a refusal is read
	url         string
	contentType string
	body        []byte
}

// roundTrip makes r with the given headers and returns the answer's body.
// A network failure, a timeout, a 5xx or a 429 is temporary (a 429 asks to
// wait); another status is an error. ctx is the caller's: only its own
// end is not temporary.
func (c *Client) roundTrip(ctx context.Context, r request, header map[string]string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(r.body))
	if err != nil {
		return nil, c.sec.Error(err)
	}
	req.Header.Set("Content-Type", r.contentType)
	for k, v := range header {
		// As Zalo writes them (access_token, secret_key): HTTP/1.1 sends
		// a name set this way unchanged, not canonicalised.
		req.Header[k] = []string{v}
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, c.netError(ctx, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, c.netError(ctx, err)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		wait := 30 * time.Second
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			wait = time.Duration(s) * time.Second
		}
		return nil, &cchcbot.RetryAfterError{Wait: wait}
	case resp.StatusCode >= 500:
		return nil, &cchcbot.TemporaryError{Err: fmt.Errorf("zalo: HTTP %d", resp.StatusCode)}
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("zalo: HTTP %d", resp.StatusCode)
	}
	return body, nil
}

// call makes an OA API request with the current access token and decodes
// its envelope. When Zalo says the token is invalid (-216) or expired
// (-220) it refreshes it and tries once more. A non-zero "error" is
// classified (apiError).
func (c *Client) call(ctx context.Context, r request) (envelope, error) {
	access, err := c.token(ctx, "")
	if err != nil {
		return envelope{}, err
	}
	env, err := c.callWith(ctx, r, access)
	if err == nil && (env.Error == codeInvalidToken || env.Error == codeExpiredToken) {
		c.log.Warn("Zalo refused the access token; refreshing it", "code", env.Error)
		if access, err = c.token(ctx, access); err != nil {
			return envelope{}, err
		}
		env, err = c.callWith(ctx, r, access)
	}
	if err != nil {
		return env, err
	}
	if env.Error != 0 {
		return env, c.apiError(r.path, env.Error, env.Message)
	}
	return env, nil
}

func (c *Client) callWith(ctx context.Context, r request, access string) (envelope, error) {
	body, err := c.roundTrip(ctx, r, map[string]string{"access_token": access})
	if err != nil {
		return envelope{}, err
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		// A proxy's HTML page in place of Zalo's answer: transient.
		return envelope{}, &cchcbot.TemporaryError{Err: fmt.Errorf("zalo: answer is not JSON: %w", err)}
	}
	return env, nil
}

// jsonRequest returns an API request whose body is v as JSON.
func (c *Client) jsonRequest(path string, v any) (request, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return request{}, fmt.Errorf("zalo: encode %s: %w", path, err)
	}
	return request{hc: c.api, path: path, url: c.cfg.APIBase + path, contentType: "application/json", body: b.Bytes()}, nil
}
