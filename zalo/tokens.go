package zalo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cchcbot"
)

// refreshMargin is how long before its expiry an access token is
// replaced: a 25-hour token is refreshed after about 24 hours, so a send
// never races the expiry and a failed refresh leaves an hour of retries
// with the old token.
const refreshMargin = time.Hour

// refreshTimeout bounds a refresh and its commit. They run detached from
// the caller's context: Zalo consumes the refresh token as it answers,
// so a caller giving up half-way must not make the adapter drop the only
// pair that works.
const refreshTimeout = 30 * time.Second

// keepFreshEvery is how often KeepTokensFresh looks at the token.
const keepFreshEvery = 10 * time.Minute

// refreshRetry spaces the attempts to refresh while Zalo's OAuth endpoint
// fails and the current token still works: sends go on with it meanwhile.
const refreshRetry = time.Minute

// token returns an access token to call the API with. failed, when set,
// is one Zalo just refused (-216, -220): a different one is returned, refreshed
// if no other caller has refreshed it meanwhile.
func (c *Client) token(ctx context.Context, failed string) (string, error) {
	if failed == "" {
		if t, ok := c.fastToken(); ok {
			return t, nil
		}
	}
	select {
	case c.tok.sem <- struct{}{}:
	default:
		// Another caller is refreshing, which may take up to
		// refreshTimeout: a token that still works need not wait for it.
		if failed == "" {
			if t, ok := c.validToken(); ok {
				return t, nil
			}
		}
		select {
		case c.tok.sem <- struct{}{}:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	t, died, err := c.renew(ctx, failed)
	<-c.tok.sem
	if died != nil && c.cfg.OnTokenDead != nil {
		c.cfg.OnTokenDead(died)
	}
	return t, err
}

// fastToken returns the current access token when it needs nothing done:
// it is not due, or it is and a refresh failed less than refreshRetry ago.
func (c *Client) fastToken() (string, bool) {
	c.tok.mu.Lock()
	defer c.tok.mu.Unlock()
	t, now := c.tok.cur, c.now()
	if !c.tok.loaded || c.tok.pending != nil || c.tok.dead != nil || t.Access == "" {
		return "", false
	}
	if !due(t, now) || (now.Before(c.tok.retryAt) && now.Before(t.AccessExpires)) {
		return t.Access, true
	}
	return "", false
}

// validToken returns the current access token if it has not expired.
func (c *Client) validToken() (string, bool) {
	c.tok.mu.Lock()
	defer c.tok.mu.Unlock()
	t := c.tok.cur
	if c.tok.loaded && t.Access != "" && c.now().Before(t.AccessExpires) {
		return t.Access, true
	}
	return "", false
}

// due reports whether t's access token should be replaced at now.
func due(t cchcbot.ChannelTokens, now time.Time) bool {
	margin := refreshMargin
	if life := t.AccessExpires.Sub(t.UpdatedAt); life > 0 && life/2 < margin {
		margin = life / 2
	}
	return !now.Before(t.AccessExpires.Add(-margin))
}

// renew does what the token needs, holding the refresher's slot. died is
// set when this call found the refresh token dead and OnTokenDead is still
// to be told.
func (c *Client) renew(ctx context.Context, failed string) (access string, died, err error) {
	cur, err := c.current(ctx)
	if err != nil {
		return "", nil, err
	}
	now := c.now()
	usable := cur.Access != "" && cur.Access != failed && now.Before(cur.AccessExpires)
	c.tok.mu.Lock()
	dead := c.tok.dead
	c.tok.mu.Unlock()
	if dead != nil {
		if usable {
			return cur.Access, nil, nil
		}
		return "", nil, &cchcbot.TemporaryError{Err: fmt.Errorf("zalo: %w", dead)}
	}
	c.tok.mu.Lock()
	wait := failed == "" && now.Before(c.tok.retryAt)
	c.tok.mu.Unlock()
	if usable && (!due(cur, now) || wait) {
		return cur.Access, nil, nil
	}

	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
	defer cancel()
	pair, err := c.exchange(rctx, cur.Refresh)
	if err != nil {
		died = c.refused(cur.Refresh, err)
		c.tok.mu.Lock()
		c.tok.retryAt = now.Add(refreshRetry)
		c.tok.mu.Unlock()
		if usable {
			// The old token has time left: keep using it; the next call
			// past the margin tries again.
			return cur.Access, died, nil
		}
		c.tok.mu.Lock()
		dead := c.tok.dead
		c.tok.mu.Unlock()
		if dead != nil {
			err = fmt.Errorf("zalo: %w", dead)
		}
		if !temporary(err) {
			// Messages wait in the outbox until a refresh works or an
			// admin installs a new token: none is refused for it.
			err = &cchcbot.TemporaryError{Err: err}
		}
		return "", died, err
	}
	if err := c.commit(rctx, pair); err != nil {
		if usable {
			return cur.Access, nil, nil
		}
		return "", nil, err
	}
	c.log.Info("Zalo access token refreshed", "expires", pair.AccessExpires)
	return pair.Access, nil, nil
}

// current returns the pair to work with: a pending one once it is
// committed, else the store's. The store is the truth: it has the pair a
// previous run, another client or "cchcbot zalo-auth" committed.
func (c *Client) current(ctx context.Context) (cchcbot.ChannelTokens, error) {
	c.tok.mu.Lock()
	pending := c.tok.pending
	c.tok.mu.Unlock()
	if pending != nil {
		// Zalo has consumed the refresh token of the stored pair: the
		// pending one is the only one that works.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
		defer cancel()
		if err := c.commit(rctx, *pending); err != nil {
			return cchcbot.ChannelTokens{}, err
		}
		c.log.Info("the new Zalo tokens are saved now")
		return *pending, nil
	}
	t, err := c.store.Tokens(ctx, cchcbot.ChannelZalo)
	c.tok.mu.Lock()
	defer c.tok.mu.Unlock()
	switch {
	case cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND:
		if !c.tok.none {
			c.log.Error("ALERT: the store holds no Zalo tokens; no Zalo message can be sent: chạy cchcbot zalo-auth với mã làm mới lấy từ developers.zalo.me")
		}
		c.tok.none, c.tok.loaded = true, false
		return cchcbot.ChannelTokens{}, &cchcbot.TemporaryError{Err: fmt.Errorf("zalo: %w", ErrNoTokens)}
	case err != nil && c.tok.loaded:
		// The store cannot answer now; what it last said still holds.
		c.log.Warn("cannot read the Zalo tokens from the store; using the ones in memory", "err", err)
		return c.tok.cur, nil
	case err != nil:
		return cchcbot.ChannelTokens{}, &cchcbot.TemporaryError{Err: fmt.Errorf("zalo: read the tokens from the store: %w", c.sec.Error(err))}
	}
	c.sec.add(t.Access, t.Refresh)
	if c.tok.dead != nil && t.Refresh != c.tok.deadRefresh {
		// A new refresh token was put in the store.
		c.tok.dead = nil
	}
	c.tok.cur, c.tok.loaded, c.tok.none = t, true, false
	return t, nil
}

// commit stores a new pair and makes it current. Until the store has it
// the pair stays pending and unused: renew commits it before anything
// else.
func (c *Client) commit(ctx context.Context, pair cchcbot.ChannelTokens) error {
	err := c.store.PutTokens(ctx, cchcbot.ChannelZalo, pair)
	c.tok.mu.Lock()
	defer c.tok.mu.Unlock()
	if err != nil {
		if c.tok.pending == nil {
			c.log.Error("ALERT: Zalo gave a new token pair and the store could not save it; it is kept in memory and not used until saved (a restart now would need \"cchcbot zalo-auth\")", "err", err)
		}
		p := pair
		c.tok.pending = &p
		return &cchcbot.TemporaryError{Err: fmt.Errorf("zalo: %w: %w", errUnsaved, c.sec.Error(err))}
	}
	c.tok.cur, c.tok.pending, c.tok.loaded, c.tok.none = pair, nil, true, false
	c.tok.dead, c.tok.retryAt, c.tok.noPairFor = nil, time.Time{}, ""
	return nil
}

// refused records a refresh that Zalo refused. For good (the refresh
// token dead, the app secret wrong) it marks the client unhealthy and,
// the first time, logs what to do and returns the error OnTokenDead is to
// be told of. renew asks Zalo no more with a dead token: only a new pair
// in the store revives the client.
//
// An answer without a token pair (an empty HTTP 200) is what a consumed
// refresh token has been reported to get, but it could also be a glitch
// on the way, after which the token still works: the first one is
// retried like any failure, and a second one for the same refresh token
// makes it dead. Calling it dead at once would send an admin through
// Zalo's authorisation for a glitch; the cost of waiting is one more
// refresh, a minute or so later.
func (c *Client) refused(refresh string, err error) error {
	var oe *oauthError
	if !errors.As(err, &oe) {
		c.log.Warn("refreshing the Zalo access token failed", "err", err)
		return nil
	}
	var dead error
	switch {
	case refreshDead(oe.Code):
		dead = ErrTokenDead
	case oe.Code == codeBadSecret:
		dead = ErrAppSecret
	case oe.noPair:
		c.tok.mu.Lock()
		again := c.tok.noPairFor == refresh
		c.tok.noPairFor = refresh
		c.tok.mu.Unlock()
		if !again {
			c.log.Warn("Zalo answered a token refresh without a token pair; trying once more before taking the refresh token for dead", "err", err)
			return nil
		}
		dead = ErrTokenDead
	default:
		c.log.Warn("refreshing the Zalo access token failed", "err", err)
		return nil
	}
	c.tok.mu.Lock()
	defer c.tok.mu.Unlock()
	first := c.tok.dead == nil
	c.tok.dead, c.tok.deadRefresh = dead, refresh
	if !first {
		return nil
	}
	if dead == ErrAppSecret {
		c.log.Error("ALERT: Zalo refuses the app secret: kiểm tra ZALO_APP_SECRET rồi khởi động lại bot", "code", oe.Code)
	} else {
		c.log.Error("ALERT: Zalo refuses the refresh token (used, expired or revoked); no Zalo message can be sent: chạy cchcbot zalo-auth với mã làm mới mới", "code", oe.Code, "err", err)
	}
	return dead
}

// CheckTokens loads the token pair and refreshes it if it is due. A
// routine refresh otherwise happens on the first call that needs the
// token; KeepTokensFresh runs this regularly so that a quiet week cannot
// let the pair lapse.
func (c *Client) CheckTokens(ctx context.Context) error {
	_, err := c.token(ctx, "")
	return err
}

// KeepTokensFresh checks the token at once and then every ten minutes,
// until ctx ends. Failures are logged (once when the refresh token dies).
func (c *Client) KeepTokensFresh(ctx context.Context) {
	t := time.NewTicker(keepFreshEvery)
	defer t.Stop()
	for {
		// A dead token and missing tokens were logged once already, and
		// Healthy reports them.
		if err := c.CheckTokens(ctx); err != nil && ctx.Err() == nil &&
			!errors.Is(err, ErrTokenDead) && !errors.Is(err, ErrAppSecret) && !errors.Is(err, ErrNoTokens) {
			c.log.Warn("Zalo token check failed", "err", err)
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}

// Healthy returns nil when the adapter can send, as far as it knows, and
// otherwise why not, in Vietnamese: the refresh token is dead, the app
// secret refused, no tokens are stored, or a new pair is not yet saved.
// It makes no request, for /healthz.
func (c *Client) Healthy() error {
	c.tok.mu.Lock()
	defer c.tok.mu.Unlock()
	switch {
	case c.tok.dead != nil:
		return c.tok.dead
	case c.tok.pending != nil:
		return errUnsaved
	case c.tok.none:
		return ErrNoTokens
	case c.tok.loaded && !c.tok.cur.RefreshExpires.IsZero() && !c.now().Before(c.tok.cur.RefreshExpires):
		return ErrTokenDead
	}
	return nil
}

// InitialRefresh starts the adapter with a refresh token an admin took
// from Zalo's developer console ("cchcbot zalo-auth" reads it from stdin):
// it trades it for a pair and commits the pair, replacing any stored one.
// A token Zalo refuses is EINVALID and changes nothing.
func (c *Client) InitialRefresh(ctx context.Context, refresh string) error {
	if refresh == "" {
		return cchcbot.Errorf(cchcbot.EINVALID, "Mã làm mới Zalo để trống.")
	}
	select {
	case c.tok.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-c.tok.sem }()
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
	defer cancel()
	pair, err := c.exchange(rctx, refresh)
	var oe *oauthError
	switch {
	case errors.As(err, &oe) && oe.Code == codeBadSecret:
		return fmt.Errorf("%w: %w", ErrAppSecret, err)
	case errors.As(err, &oe) && (refreshDead(oe.Code) || oe.Code == codeBadOAuthParam || oe.noPair):
		// The admin is at the keyboard: an answer without a pair is
		// reported at once, and nothing was changed.
		return fmt.Errorf("%w: %w", cchcbot.Errorf(cchcbot.EINVALID, "Zalo từ chối mã làm mới vừa nhập: mã không đúng, đã được dùng hoặc đã hết hạn. Xin lấy mã mới trên trang quản lý ứng dụng Zalo (developers.zalo.me) rồi chạy lại lệnh."), err)
	case err != nil:
		return err
	}
	if err := c.commit(rctx, pair); err != nil {
		return err
	}
	c.log.Info("Zalo tokens installed", "expires", pair.AccessExpires)
	return nil
}

// Bootstrap installs refresh (ZALO_REFRESH_TOKEN) only when the store has
// no Zalo tokens: once the bot has run, the variable's token is used up
// and the stored pair is the one that works. It reports whether it used
// refresh; with neither tokens nor refresh it returns ErrNoTokens.
func (c *Client) Bootstrap(ctx context.Context, refresh string) (bool, error) {
	_, err := c.store.Tokens(ctx, cchcbot.ChannelZalo)
	switch {
	case err == nil:
		if refresh != "" {
			c.log.Info("ZALO_REFRESH_TOKEN ignored: the store already holds Zalo tokens (to replace them, run cchcbot zalo-auth)")
		}
		return false, nil
	case cchcbot.ErrorCode(err) != cchcbot.ENOTFOUND:
		return false, fmt.Errorf("zalo: read the tokens from the store: %w", c.sec.Error(err))
	case refresh == "":
		c.tok.mu.Lock()
		c.tok.none = true
		c.tok.mu.Unlock()
		return false, ErrNoTokens
	}
	return true, c.InitialRefresh(ctx, refresh)
}
