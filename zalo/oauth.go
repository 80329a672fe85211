package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"cchcbot"
)

// refreshLifetime is how long Zalo keeps a refresh token valid, by the
// project's issue: three months. Zalo's answer does not say it, so the
// adapter counts it from the refresh.
const refreshLifetime = 90 * 24 * time.Hour

// oauthAnswer is the OAuth endpoint's answer: a token pair, or an error.
type oauthAnswer struct {
	AccessToken  string  `json:"access_token"`
	RefreshToken string  `json:"refresh_token"`
	ExpiresIn    flexInt `json:"expires_in"` // seconds, sent as a string
	Error        flexInt `json:"error"`
	Name         string  `json:"error_name"`
	Description  string  `json:"error_description"`
	Message      string  `json:"message"`
}

// flexInt decodes a number sent as a JSON number or a string ("90000").
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if s == "" {
			*f = 0
			return nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		*f = flexInt(n)
		return err
	}
	var n int64
	err := json.Unmarshal(b, &n)
	*f = flexInt(n)
	return err
}

// oauthError is a refusal by the OAuth endpoint.
type oauthError struct {
	Code int
	Text string
}

func (e *oauthError) Error() string { return fmt.Sprintf("zalo oauth: error %d: %s", e.Code, e.Text) }

// exchange trades a refresh token for a new pair. Zalo consumes the
// refresh token as it answers, so a caller must commit the pair before
// anything else can fail.
func (c *Client) exchange(ctx context.Context, refresh string) (cchcbot.ChannelTokens, error) {
	c.sec.add(refresh)
	form := url.Values{"app_id": {c.cfg.AppID}, "grant_type": {"refresh_token"}, "refresh_token": {refresh}}
	r := request{hc: c.api, url: c.cfg.OAuthBase + "/v4/oa/access_token",
		contentType: "application/x-www-form-urlencoded", body: []byte(form.Encode())}
	body, err := c.roundTrip(ctx, r, map[string]string{"secret_key": c.cfg.AppSecret})
	if err != nil {
		return cchcbot.ChannelTokens{}, fmt.Errorf("zalo: refresh the access token: %w", err)
	}
	var a oauthAnswer
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&a); err != nil {
		return cchcbot.ChannelTokens{}, &cchcbot.TemporaryError{Err: fmt.Errorf("zalo: refresh the access token: answer is not JSON: %w", err)}
	}
	c.sec.add(a.AccessToken, a.RefreshToken)
	if a.Error != 0 || a.AccessToken == "" || a.RefreshToken == "" {
		text := a.Description
		if text == "" {
			text = a.Message
		}
		if text == "" {
			text = a.Name
		}
		if a.Error == 0 {
			text = "the answer holds no token pair"
		}
		return cchcbot.ChannelTokens{}, &oauthError{Code: int(a.Error), Text: c.sec.String(text)}
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
