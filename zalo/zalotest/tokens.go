package zalotest

import (
	"crypto/rand"
	"encoding/base64"
	"mime"
	"net/http"
	"strconv"
	"time"
)

// refreshRecord is a refresh token the server issued.
type refreshRecord struct {
	expires time.Time
	used    bool // single-use: rotated already
}

// oauthError is the OAuth server's error body, different from the OA
// API's envelope.
type oauthError struct {
	Error       int    `json:"error"`
	Name        string `json:"error_name"`
	Reason      string `json:"error_reason"`
	Description string `json:"error_description"`
}

// tokenPair is a successful refresh. expires_in is a string of seconds, as
// Zalo sends it.
type tokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    string `json:"expires_in"`
}

// randomToken returns an opaque token of n random bytes, URL-safe like
// Zalo's.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(b)
}

// issueLocked makes a new access and refresh token pair the newest one;
// s.mu must be held.
func (s *Server) issueLocked(now time.Time) tokenPair {
	p := tokenPair{AccessToken: randomToken(96), RefreshToken: randomToken(96),
		ExpiresIn: strconv.FormatInt(int64(s.accessTTL/time.Second), 10)}
	s.access[p.AccessToken] = now.Add(s.accessTTL)
	s.refresh[p.RefreshToken] = &refreshRecord{expires: now.Add(s.refreshTTL)}
	s.accessToken, s.refreshToken = p.AccessToken, p.RefreshToken
	return p
}

// AccessToken returns the newest access token: the one the server started
// with, or the last one a refresh issued.
func (s *Server) AccessToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accessToken
}

// RefreshToken returns the newest refresh token, the only one that still
// works (unless it has expired): the bot's configuration starts with it.
func (s *Server) RefreshToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshToken
}

// SetAccessTTL sets the lifetime of access tokens issued from now on
// (default 25 hours), e.g. a minute, so that a test sees the bot refresh.
func (s *Server) SetAccessTTL(d time.Duration) {
	s.mu.Lock()
	s.accessTTL = d
	s.mu.Unlock()
}

// SetRefreshTTL sets the lifetime of refresh tokens issued from now on
// (default three months).
func (s *Server) SetRefreshTTL(d time.Duration) {
	s.mu.Lock()
	s.refreshTTL = d
	s.mu.Unlock()
}

// ExpireAccessToken ends the access token's life now, as when Zalo
// revokes it before its time: later calls with it fail with -220.
func (s *Server) ExpireAccessToken(token string) {
	now := s.now() // never under s.mu: the clock is the test's code
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.access[token]; ok {
		s.access[token] = now
	}
}

// checkAccess refuses a token the server never issued (-216) and one
// whose expiry has come on the server's clock (-220); nil means it works.
func (s *Server) checkAccess(token string) *apiError {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.access[token]
	switch {
	case !ok:
		return errInvalidToken
	case !now.Before(exp):
		return errExpiredToken
	}
	return nil
}

// serveAccessToken rotates a refresh token: POST form app_id, grant_type
// = refresh_token, refresh_token, with the app secret in the secret_key
// header. Each refresh token works once; the old access token keeps its
// own expiry. An unknown or used refresh token is -14014 (used: an empty
// 200 with WithEmptyReuseAnswer), an expired one -14020.
func (s *Server) serveAccessToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	// Without this check a JSON body would be refused as a wrong secret,
	// which would send whoever debugs the client the wrong way.
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err := r.ParseForm(); err != nil || ct != "application/x-www-form-urlencoded" {
		writeJSON(w, oauthError{CodeInvalidOAuthParam, "Invalid parameter",
			"The body must be an application/x-www-form-urlencoded form.", "Send app_id, grant_type and refresh_token as a form."})
		return
	}
	if r.Header.Get("secret_key") != s.opts.appSecret || r.PostForm.Get("app_id") != s.opts.appID {
		writeJSON(w, oauthError{CodeInvalidSecret, "Invalid secret key",
			"The secret_key header does not match the app.", "Check app_id and the app secret key."})
		return
	}
	if r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("refresh_token") == "" {
		writeJSON(w, oauthError{CodeInvalidOAuthParam, "Invalid parameter",
			"grant_type must be refresh_token and refresh_token must be set.", "Invalid grant_type or missing refresh_token."})
		return
	}
	now := s.now()
	s.mu.Lock()
	rec := s.refresh[r.PostForm.Get("refresh_token")]
	switch {
	case rec != nil && rec.used && s.opts.emptyReuseAnswer:
		s.mu.Unlock()
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return
	case rec == nil || rec.used:
		s.mu.Unlock()
		writeJSON(w, oauthError{CodeInvalidRefreshToken, "Invalid refresh token",
			"The refresh token is invalid or already used.", "Get a new refresh token by granting permission again."})
		return
	case !now.Before(rec.expires):
		s.mu.Unlock()
		writeJSON(w, oauthError{CodeExpiredRefreshToken, "Expired refresh token",
			"The refresh token has expired.", "Get a new refresh token by granting permission again."})
		return
	}
	rec.used = true
	p := s.issueLocked(now)
	s.notifyLocked()
	s.mu.Unlock()
	writeJSON(w, p)
}
