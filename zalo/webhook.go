package zalo

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"cchcbot"
)

// Acceptor is where the webhook puts events before it answers Zalo: the
// durable inbox. *store.DB implements it.
type Acceptor interface {
	// AcceptIncoming remembers the events' Keys and appends those with an
	// Incoming to the inbox, in one commit; it returns the ones appended
	// and drops those whose Key it has seen recently.
	AcceptIncoming(ctx context.Context, evs []cchcbot.Inbound) ([]cchcbot.Inbound, error)
}

// Dispatcher handles accepted events (inbox.Dispatcher). Add must not
// block.
type Dispatcher interface {
	Add(evs ...cchcbot.Inbound)
}

// The webhook's limits.
const (
	// maxWebhookBody is far over any event (a text is at most 2,000
	// characters) and small enough that no one can make the bot buffer
	// much before the signature is checked.
	maxWebhookBody = 64 << 10
	// maxEventAge refuses a replay of a signed event recorded long ago;
	// within it, the store's Keys refuse a replay.
	maxEventAge = 5 * time.Minute
	// maxClockSkew allows Zalo's clock to be ahead of ours by this much.
	maxClockSkew = time.Minute
	// acceptLimit bounds a commit that goes on after the webhook has
	// answered 503.
	acceptLimit = 30 * time.Second
)

// SignatureHeader carries an event's signature: hex(sha256(app_id + body
// + timestamp + OA secret key)), which one source prefixes with "mac="
// and another does not (docs/ZALO.md §2): both are accepted.
const SignatureHeader = "X-ZEvent-Signature"

// Webhook returns the handler Zalo posts the OA's events to. An event is
// answered 200 only once it is in the store (st, one commit) and then
// handed to d; so Zalo's retry of an event the bot did not confirm is
// what makes delivery reliable, and the store's Keys make it happen once.
//
// A body over 64 KB is refused (413); a bad signature, an event older
// than 5 minutes or from the future, or another app's event is refused
// (401) and nothing is stored. When the store does not take the event
// within Config.AcceptTimeout the answer is 503, so that Zalo posts it
// again: the commit goes on in the background and, if it succeeds, the
// event is handled and the retry recognised as a duplicate. Nothing
// accepted is lost; at worst an event is handled later than it could be.
func (c *Client) Webhook(st Acceptor, d Dispatcher) http.Handler {
	return &webhook{c: c, st: st, d: d}
}

type webhook struct {
	c  *Client
	st Acceptor
	d  Dispatcher
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.refuse(w, r, http.StatusRequestEntityTooLarge, "body too large")
			return
		}
		h.refuse(w, r, http.StatusBadRequest, "body unreadable")
		return
	}
	var e event
	if err := json.Unmarshal(body, &e); err != nil {
		h.refuse(w, r, http.StatusBadRequest, "body is not an event")
		return
	}
	ts, at, okTime := e.timestamp()
	switch now := h.c.now(); {
	case !h.c.validSignature(r.Header.Get(SignatureHeader), string(e.AppID), body, ts):
		h.refuse(w, r, http.StatusUnauthorized, "bad signature")
	case string(e.AppID) != h.c.cfg.AppID:
		h.refuse(w, r, http.StatusUnauthorized, "another app")
	case !okTime:
		h.refuse(w, r, http.StatusUnauthorized, "no timestamp")
	case now.Sub(at) > maxEventAge:
		h.refuse(w, r, http.StatusUnauthorized, "stale event")
	case at.Sub(now) > maxClockSkew:
		h.refuse(w, r, http.StatusUnauthorized, "event from the future")
	default:
		h.accept(w, r, h.c.inbound(&e, ts, at))
	}
}

// refuse answers an event that is not taken. The body is never logged: it
// is a person's message.
func (h *webhook) refuse(w http.ResponseWriter, r *http.Request, status int, why string) {
	h.c.log.Warn("webhook event refused", "status", status, "reason", why, "remote", r.RemoteAddr)
	http.Error(w, http.StatusText(status), status)
}

// accept commits ev and answers 200 once it is committed, 503 if that
// takes longer than the bound.
func (h *webhook) accept(w http.ResponseWriter, r *http.Request, ev cchcbot.Inbound) {
	done := make(chan error, 1)
	go func() {
		// Not the request's context: Zalo hanging up must not abort a
		// commit, whose events would then wait for a restart.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), acceptLimit)
		defer cancel()
		accepted, err := h.st.AcceptIncoming(ctx, []cchcbot.Inbound{ev})
		if err == nil {
			h.d.Add(accepted...)
		}
		done <- err
	}()
	t := time.NewTimer(h.c.cfg.AcceptTimeout)
	defer t.Stop()
	select {
	case err := <-done:
		if err != nil {
			h.c.log.Error("cannot accept a webhook event into the store; Zalo will post it again", "err", err, "event", ev.Key)
			http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"error":0,"message":"Success"}`)
	case <-t.C:
		h.c.log.Warn("the store is slow to accept a webhook event; answered 503 so that Zalo posts it again", "event", ev.Key, "bound", h.c.cfg.AcceptTimeout)
		w.Header().Set("Retry-After", "1")
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
	}
}

// validSignature checks header against the event: hex of
// sha256(app_id + body + timestamp + OA secret key), with or without a
// "mac=" prefix, compared in constant time.
func (c *Client) validSignature(header, appID string, body []byte, ts string) bool {
	got, err := hex.DecodeString(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(header), "mac=")))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	return subtle.ConstantTimeCompare(got, Signature(appID, body, ts, c.cfg.OASecretKey)) == 1
}

// Signature returns the MAC Zalo puts on an event: sha256 of app_id, the
// raw body, the timestamp and the OA secret key. Tests sign with it.
func Signature(appID string, body []byte, timestamp, oaSecretKey string) []byte {
	h := sha256.New()
	h.Write([]byte(appID))
	h.Write(body)
	h.Write([]byte(timestamp))
	h.Write([]byte(oaSecretKey))
	return h.Sum(nil)
}
