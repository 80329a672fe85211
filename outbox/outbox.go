// Package outbox delivers what the bot means to say. Every message is a
// cchcbot.Outgoing row in the store, written in the same commit as the
// change that causes it; the Sender loads the rows, sends each to the chat
// network at Telegram's pace (about 30 messages a second overall and one a
// second per chat, replies to a waiting person before bulk reminders), and
// records each outcome in the store, which removes the row. A message the
// network cannot take now is retried until it is delivered, refused for
// good or expired: nothing is lost while the network is down, and nothing
// is sent twice by one process.
//
// The Sender is also a cchcbot.Channel, for the few sends that are not
// worth keeping (a workbook exported to a temporary file): they go through
// the same pacing, and their callers wait for the answer.
package outbox

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"cchcbot"
)

// ErrStopped is returned for sends still queued when the Sender stops, and
// by WaitIdle once it has stopped with messages undelivered.
var ErrStopped = errors.New("outbox: stopped")

// Store is where the messages wait. The store package implements it.
type Store interface {
	// Queued is signalled, coalescing, after every commit that queued
	// messages.
	Queued() <-chan struct{}
	// PendingOutgoing returns up to limit messages with an ID above
	// afterID, in ID order; every one when limit <= 0.
	PendingOutgoing(ctx context.Context, afterID uint64, limit int) ([]cchcbot.Outgoing, error)
	// FinishOutgoing removes the messages of ds in one commit (unknown
	// IDs are ignored) and records the outcome of those that deliver a
	// reminder.
	FinishOutgoing(ctx context.Context, ds []cchcbot.Delivery) error
	// OpenFile opens a stored report file, for Outgoing.Document.
	OpenFile(sha256 string) (io.ReadCloser, error)
}

// Options tune the Sender. Zero values take the defaults, which are
// Telegram's documented limits.
type Options struct {
	// Network, when set, is the one chat network this Sender delivers to
	// (cchcbot.ChannelTelegram, ChannelZalo): it takes only the store's
	// messages to that network's users, so that each network has its own
	// pace, backoff and 429 pauses, and an outage of one holds up nothing
	// of the other. "" takes every message.
	Network          string
	GlobalPerSecond  float64 // default 30
	PerChatPerSecond float64 // default 1
	// MaxRetries bounds the retries of a temporary failure for a direct
	// send (Send, Edit, SendDocument called on the Sender), whose caller
	// is waiting. Messages from the store are retried until delivered or
	// expired. Default 5.
	MaxRetries int
	// MaxInFlight bounds concurrent sends, so that network latency does
	// not cap the pace: at 200 ms a request, one at a time would reach only
	// 5 messages a second. Default 32.
	MaxInFlight int
	// Backoff is the wait before retry n (1, 2, ...): of one message after
	// its n-th temporary failure, and of the whole Sender after n
	// consecutive temporary failures of any messages. Default
	// DefaultBackoff.
	Backoff func(n int) time.Duration
	// OnUnreachable is told, once per refusal, that a person can no longer
	// be messaged (they blocked the bot, the account is gone), so that the
	// member is marked and the admins told. It is called on the sending
	// goroutine, after the refusal is recorded, and Close waits for it:
	// it must only write to the store, never wait for a send. Its ctx is
	// cancelled by Close.
	OnUnreachable func(ctx context.Context, to cchcbot.UserID, err error)
	// OnRefused is told of a message of the store that the network
	// refused because of its recipient: unreachable there (blocked, gone,
	// outside Zalo's interaction window) or beyond the network's quota
	// (a *cchcbot.QuotaError), after the refusal is recorded and after
	// OnUnreachable, so that the wiring can send it to the person's other
	// network or tell the admins. Called and waited for like OnUnreachable.
	OnRefused func(ctx context.Context, o *cchcbot.Outgoing, err error)
	// NotBefore, when set, says when a message of the store may go out at
	// the earliest (zero: now), given the Clock's now: the scheduler holds
	// reminders and digests through quiet hours. A held message waits
	// without holding up the others, its chat's included; it is asked
	// again once that time has come.
	NotBefore func(o *cchcbot.Outgoing, now time.Time) time.Time
	// Superseded, when set, is asked just before each attempt at a
	// message of the store whether it is still worth sending (a reminder
	// to a unit that has submitted since): one that is not is recorded
	// expired, unsent. If it fails the message is sent: a reminder too
	// many is better than one lost.
	Superseded func(ctx context.Context, o *cchcbot.Outgoing) (bool, error)
	// Clock stamps deliveries and decides expiry. Default
	// cchcbot.SystemClock. The pace is the network's and stays on the wall
	// clock.
	Clock cchcbot.Clock
	// Observer, when set, is told each send's outcome, for metrics.
	Observer Observer
	Logger   *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.GlobalPerSecond <= 0 {
		o.GlobalPerSecond = 30
	}
	if o.PerChatPerSecond <= 0 {
		o.PerChatPerSecond = 1
	}
	if o.MaxRetries <= 0 {
		o.MaxRetries = 5
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 32
	}
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
	if o.Clock == nil {
		o.Clock = cchcbot.SystemClock
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Observer == nil {
		o.Observer = noObserver{}
	}
	return o
}

// Observer is told the outcome of each send, labelled with the Bot API
// method (sendMessage, sendDocument, editMessageText). Its methods run on
// the send path: they must be quick and safe for concurrent use.
type Observer interface {
	MessageSent(method string)
	// MessageFailed: reason is unreachable, expired, retries_exhausted,
	// canceled or error.
	MessageFailed(method, reason string)
	// MessageRetried: reason is rate_limited or temporary.
	MessageRetried(method, reason string)
}

type noObserver struct{}

func (noObserver) MessageSent(string)            {}
func (noObserver) MessageFailed(string, string)  {}
func (noObserver) MessageRetried(string, string) {}

// DefaultBackoff waits 500 ms before the first retry and doubles up to
// 30 s, each wait drawn from its upper half so that many chats failing
// together do not retry in step. During a long outage the Sender thus
// probes the network once every 15 to 30 s.
func DefaultBackoff(n int) time.Duration {
	d := min(500*time.Millisecond<<min(max(n-1, 0), 6), 30*time.Second)
	return d/2 + rand.N(d/2+1)
}
