package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cchcbot"
)

// pathAccessToken is the OAuth endpoint that rotates the refresh token.
const pathAccessToken = "/v4/oa/access_token"

// refreshLifetime is how long Zalo keeps a refresh token valid: three
// months (docs/ZALO.md §8). Zalo's answer does not say it, so the adapter
// counts it from the refresh.
const refreshLifetime = 90 * 24 * time.Hour

// oauthAnswer is the OAuth endpoint's answer: a token pair, or an error.
type oauthAnswer struct {
	AccessToken  string  `json:"access_token"`
	RefreshToken string  `json:"refresh_token"`
	ExpiresIn    flexInt `json:"expires_in"` // seconds: "90000", or 90000
	Error        flexInt `json:"error"`
	Name         string  `json:"error_name"`
	Description  string  `json:"error_description"`
	Message      string  `json:"message"`
}

// flexInt decodes a number sent as a JSON number or a string ("90000").
// Anything it cannot read is 0 rather than an error: by the time Zalo
// answers it has consumed the refresh token, so a pair must never be
// lost to the shape of its expiry.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil {
		s = string(b)
	}
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		*f = flexInt(n)
	} else if x, err := strconv.ParseFloat(s, 64); err == nil && math.Abs(x) < 1e15 {
		*f = flexInt(x)
	} else {
		*f = 0
	}
	return nil
}

// oauthError is a refusal by the OAuth endpoint. noPair marks an answer
// that is no refusal either: an empty body, or one without both tokens
// (a consumed refresh token has been reported to get an empty HTTP 200,
// docs/ZALO.md §8).
type oauthError struct {
	Code   int
	Text   string
	noPair bool
}

func (e *oauthError) Error() string { return fmt.Sprintf("zalo oauth: error %d: %s", e.Code, e.Text) }

// exchange trades a refresh token for a new pair. Zalo consumes the
// refresh token as it answers, so a caller must commit the pair before
// anything else can fail.
func (c *Client) exchange(ctx context.Context, refresh string) (cchcbot.ChannelTokens, error) {
	c.sec.add(refresh)
	form := url.Values{"app_id": {c.cfg.AppID}, "grant_type": {"refresh_token"}, "refresh_token": {refresh}}
	r := request{hc: c.api, path: pathAccessToken, url: c.cfg.OAuthBase + pathAccessToken,
		contentType: "application/x-www-form-urlencoded", body: []byte(form.Encode())}
	body, err := c.roundTrip(ctx, r, map[string]string{"secret_key": c.cfg.AppSecret})
	if err != nil {
		return cchcbot.ChannelTokens{}, fmt.Errorf("zalo: refresh the access token: %w", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return cchcbot.ChannelTokens{}, &oauthError{Text: "the answer is empty", noPair: true}
	}
	var a oauthAnswer
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&a); err != nil {
		return cchcbot.ChannelTokens{}, &cchcbot.TemporaryError{Err: fmt.Errorf("zalo: refresh the access token: answer is not JSON: %w", err)}
	}
	c.sec.add(a.AccessToken, a.RefreshToken)
	if a.Error != 0 {
		text := a.Description
		if text == "" {
			text = a.Message
		}
		if text == "" {
			text = a.Name
		}
		return cchcbot.ChannelTokens{}, &oauthError{Code: int(a.Error), Text: c.sec.String(text)}
	}
	if a.AccessToken == "" || a.RefreshToken == "" {
		return cchcbot.ChannelTokens{}, &oauthError{Text: "the answer holds no token pair", noPair: true}
	}
	now := c.now()
	expires := time.Duration(a.ExpiresIn) * time.Second
	if expires <= 0 {
		expires = 25 * time.Hour // Zalo's usual lifetime, if it ever omits it
	}
	return cchcbot.ChannelTokens{
		Access: a.AccessToken, AccessExpires: now.Add(expires),
		Refresh: a.RefreshToken, RefreshExpires: now.Add(refreshLifetime),
		UpdatedAt: now,
	}, nil
}
