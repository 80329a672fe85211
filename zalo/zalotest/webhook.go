package zalotest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// SignatureHeader carries a webhook event's signature:
// mac=<hex(sha256(app_id + raw body + timestamp + OA secret key))>, where
// timestamp is the string the body holds.
const SignatureHeader = "X-ZEvent-Signature"

// Event is an event the server posted, or tried to post, to the webhook.
// Values returned by the inspectors are snapshots.
type Event struct {
	// ID is the msg_id of a message event; "follow-<n>", "unfollow-<n>",
	// "received-<n>", "seen-<n>" or "raw-<n>" for the others; "<id>/replay-<n>" for a replay and
	// "<message_id>/echo" for an oa_send_* echo.
	ID        string
	Name      string // event_name (for SendRaw, the body's, if any)
	UserID    string // the user it concerns
	Body      []byte // the JSON exactly as posted
	Signature string // the X-ZEvent-Signature header; "" when not sent
	Timestamp string // the body's timestamp, as signed
	Tamper    Tamper
	ReplayOf  string    // the replayed event's ID, for a replay
	Attempts  []Attempt // one per post, retries included
	Done      bool      // no more attempts will be made
	Delivered bool      // an attempt got 200 in time
}

// Attempt is one post of an event.
type Attempt struct {
	Status   int           // the HTTP status; 0 when no answer came
	Latency  time.Duration // from sending to the end of the answer, or the failure
	TimedOut bool          // no full answer within the webhook timeout
	Err      string        // why it failed; "" when the bot answered 200 in time
}

// OK reports whether the bot answered 200 in time.
func (a Attempt) OK() bool { return a.Err == "" }

// Tamper is a flaw TamperNext puts in the next events, to test the bot's
// signature check.
type Tamper int

// The flaws an event can have.
const (
	NoTamper       Tamper = iota
	BadSignature          // a well-formed mac computed with another key
	StaleTimestamp        // signed correctly, with a timestamp StaleAge old
	NoMACPrefix           // the right hex digest without "mac="
	NoSignature           // no X-ZEvent-Signature header at all
)

type tamperFault struct {
	t Tamper
	n int
}

// event is an Event with what only the server needs.
type event struct {
	Event
	files   []string // ids of the files it links to
	replays int
}

// queue holds one user's events in posting order.
type queue struct {
	pending []*event
	running bool
}

// Webhook sets the URL events are posted to; "" stops posting (events are
// then recorded, not delivered, as Zalo drops events of an app without a
// webhook).
func (s *Server) Webhook(url string) {
	s.mu.Lock()
	s.webhook = url
	s.mu.Unlock()
}

// TamperNext gives the next n events the flaw t; n = 0 clears it.
// Replays copy their original and take none.
func (s *Server) TamperNext(t Tamper, n int) {
	s.mu.Lock()
	s.tamper = tamperFault{t, n}
	s.mu.Unlock()
}

func (s *Server) takeTamper() Tamper {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tamper.n <= 0 {
		return NoTamper
	}
	s.tamper.n--
	return s.tamper.t
}

// emit builds, signs and queues an event; build gets the timestamp.
func (s *Server) emit(id, userID, name string, build func(ts string) any, files []string) {
	t := s.takeTamper()
	at := s.now()
	if t == StaleTimestamp {
		at = at.Add(-StaleAge)
	}
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // Zalo sends "<" and "&" as they are
	if err := enc.Encode(build(ts)); err != nil {
		panic("zalotest: cannot encode event: " + err.Error())
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	s.add(&event{Event: Event{ID: id, Name: name, UserID: userID, Body: body,
		Signature: s.signature(body, ts, t), Timestamp: ts, Tamper: t}, files: files})
}

// emitRaw queues body as it is, signed with ts. A StaleTimestamp flaw
// cannot be put in a body it does not build: the body is signed as is.
func (s *Server) emitRaw(id, userID, name string, body []byte, ts string) {
	t := s.takeTamper()
	s.add(&event{Event: Event{ID: id, Name: name, UserID: userID, Body: bytes.Clone(body),
		Signature: s.signature(body, ts, t), Timestamp: ts, Tamper: t}})
}

// rawFields returns the string "event_name" and "timestamp" of a JSON
// body, if it has them.
func rawFields(body []byte) (name, ts string) {
	var v struct {
		Name      string `json:"event_name"`
		Timestamp string `json:"timestamp"`
	}
	json.Unmarshal(body, &v) // a malformed body is posted all the same
	return v.Name, v.Timestamp
}

// signature is the X-ZEvent-Signature header of body with the flaw t.
func (s *Server) signature(body []byte, ts string, t Tamper) string {
	key := s.opts.oaSecretKey
	if t == BadSignature {
		key += "-not-the-key"
	}
	h := sha256.New()
	h.Write([]byte(s.opts.appID))
	h.Write(body)
	h.Write([]byte(ts))
	h.Write([]byte(key))
	mac := hex.EncodeToString(h.Sum(nil))
	switch t {
	case NoMACPrefix:
		return mac
	case NoSignature:
		return ""
	}
	return "mac=" + mac
}

// add records ev and queues it behind the user's earlier events: one
// user's events arrive in order, different users' concurrently.
func (s *Server) add(ev *event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, ev)
	s.eventsByID[ev.ID] = ev
	s.notifyLocked()
	if s.closed {
		ev.Done = true
		return
	}
	s.pending++
	q := s.queues[ev.UserID]
	if q == nil {
		q = &queue{}
		s.queues[ev.UserID] = q
	}
	q.pending = append(q.pending, ev)
	if !q.running {
		q.running = true
		s.workers.Add(1)
		go s.drain(ev.UserID, q)
	}
}

// drain delivers a user's queued events one by one until none is left.
func (s *Server) drain(key string, q *queue) {
	defer s.workers.Done()
	for {
		s.mu.Lock()
		if len(q.pending) == 0 {
			q.running = false
			delete(s.queues, key)
			s.mu.Unlock()
			return
		}
		ev := q.pending[0]
		q.pending[0] = nil
		q.pending = q.pending[1:]
		s.mu.Unlock()
		s.deliver(ev)
	}
}

// deliver posts ev until the bot answers 200 in time or the tries run
// out, waiting the backoff (doubled each time) between tries.
func (s *Server) deliver(ev *event) {
	backoff := s.opts.hookBackoff
	for try := 0; try < s.opts.hookTries && s.ctx.Err() == nil; try++ {
		if try > 0 {
			if !s.sleep(s.ctx, backoff) {
				break
			}
			backoff *= 2
		}
		s.mu.Lock()
		url := s.webhook
		s.mu.Unlock()
		if url == "" {
			break // nowhere to post: Zalo drops the event
		}
		a := s.attempt(url, ev)
		s.mu.Lock()
		ev.Attempts = append(ev.Attempts, a)
		ev.Delivered = a.OK()
		s.notifyLocked()
		s.mu.Unlock()
		if a.OK() {
			break
		}
	}
	s.mu.Lock()
	ev.Done = true
	s.pending--
	s.notifyLocked()
	s.mu.Unlock()
}

// attempt posts ev once. ev's body and signature never change after it is
// queued, so they are read without the lock.
func (s *Server) attempt(url string, ev *event) Attempt {
	select {
	case s.hookSlots <- struct{}{}:
	case <-s.ctx.Done():
		return Attempt{Err: "server closed"}
	}
	defer func() { <-s.hookSlots }()
	if s.outage.Load() {
		return Attempt{Err: "outage: the post never left"}
	}
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, url, bytes.NewReader(ev.Body))
	if err != nil {
		return Attempt{Err: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	if ev.Signature != "" {
		req.Header.Set(SignatureHeader, ev.Signature)
	}
	start := time.Now() // latency is measured on the real clock
	resp, err := s.hook.Do(req)
	if err == nil {
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
	}
	a := Attempt{Latency: time.Since(start)}
	if resp != nil {
		a.Status = resp.StatusCode
	}
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		a.TimedOut = true
		a.Err = fmt.Sprintf("no answer within %s", s.opts.hookTimeout)
	case err != nil:
		a.Err = err.Error()
	case a.Status != http.StatusOK:
		a.Err = "HTTP " + strconv.Itoa(a.Status)
	}
	return a
}

// Replay posts the event id again, byte for byte with its original
// signature and timestamp, as Zalo does when it retries, and returns the
// replay's id ("<id>/replay-<n>").
func (s *Server) Replay(id string) (string, error) {
	s.mu.Lock()
	orig := s.eventsByID[id]
	if orig == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("zalotest: no event %q to replay", id)
	}
	orig.replays++
	ev := &event{Event: orig.Event, files: orig.files}
	s.mu.Unlock()
	ev.ID = id + "/replay-" + strconv.Itoa(orig.replays)
	ev.ReplayOf = id
	ev.Attempts, ev.Done, ev.Delivered = nil, false, false
	s.add(ev)
	return ev.ID, nil
}

// Events returns every event, in the order they were made.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Event, len(s.events))
	for i, ev := range s.events {
		out[i] = ev.snapshot()
	}
	return out
}

// Event returns the event id as it stands now.
func (s *Server) Event(id string) (Event, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := s.eventsByID[id]
	if ev == nil {
		return Event{}, false
	}
	return ev.snapshot(), true
}

// snapshot copies the event; s.mu must be held.
func (ev *event) snapshot() Event {
	e := ev.Event
	e.Body = bytes.Clone(e.Body)
	e.Attempts = slices.Clone(e.Attempts)
	return e
}
