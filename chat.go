package cchcbot

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Incoming is one thing a person did in chat, whatever the network: a text
// or command, files sent, or a button pressed.
type Incoming struct {
	// ID is the network's id of the event (Telegram's update_id), used to
	// make handling idempotent.
	ID       int64
	User     UserID
	Name     string // display name as the network shows it
	Username string
	At       time.Time

	Text     string         // a message's text or caption; "/start abc" for commands
	Files    []IncomingFile // documents or photos attached
	Callback *CallbackPress // a button press; nil otherwise
}

// Inbound is an event accepted from a chat network into the store before
// it is handled: a restart handles what was accepted and not finished, and
// a redelivered event (same Key) is accepted only once.
type Inbound struct {
	Seq        uint64 // arrival order, assigned by the store
	Key        string // the network's identity of the event: "telegram:8123"
	ReceivedAt time.Time
	// In is the event; nil for one the bot ignores, whose Key is only
	// remembered so that a redelivery is recognised.
	In *Incoming
}

// IncomingFile is a file a person sent, not yet downloaded.
type IncomingFile struct {
	Channel       string // the network that holds it: ChannelTelegram, ChannelZalo
	ChannelFileID string // the network's id for it (for Zalo, its download URL)
	Name          string // as the sender named it; never trusted as a path
	MIME          string // as the sender's app declared it; never trusted
	Size          int64  // as the network declared it; 0 if unknown
	Photo         bool   // a photo (scanned page) rather than a document
}

// CallbackPress is a press of an inline button.
type CallbackPress struct {
	// ID answers the press (stops the spinner). A network other than
	// Telegram prefixes it with its channel name and a colon, so that a
	// Router knows where the answer goes.
	ID      string
	Data    string     // the button's data, hostile until verified
	Message MessageRef // the message that carried the button
}

// MessageRef names a message the bot sent, for editing it later.
type MessageRef struct {
	To UserID
	ID string
}

// Button is an inline button. Data comes back in a CallbackPress; URL opens
// a link instead.
type Button struct {
	Text string
	Data string
	URL  string
}

// Priority orders outbound messages: a reply to a person who is waiting
// goes before bulk reminders.
type Priority int

// The priorities of outbound messages.
const (
	PriorityBulk        Priority = iota // reminders, digests
	PriorityInteractive                 // replies to a person
)

// OutMessage is a text message to one person.
type OutMessage struct {
	To       UserID
	Text     string // plain text, no markup
	Buttons  [][]Button
	Priority Priority
}

// OutDocument is a file sent back to a person, by the network's own id when
// it has one (no re-upload) or from disk otherwise.
type OutDocument struct {
	To            UserID
	ChannelFileID string
	Name          string
	Open          func() (io.ReadCloser, error) // used when ChannelFileID is empty
	Size          int64                         // bytes Open yields, if known: bounds the upload's time
	Caption       string
	Priority      Priority
}

// Channel is a chat network as the conversation logic and the scheduler
// see it. Telegram implements it in package bot; Zalo can come later
// without touching the store or the scheduler.
type Channel interface {
	Send(ctx context.Context, m OutMessage) (MessageRef, error)
	Edit(ctx context.Context, ref MessageRef, text string, buttons [][]Button) error
	SendDocument(ctx context.Context, d OutDocument) (MessageRef, error)
	AnswerCallback(ctx context.Context, callbackID, text string) error
	// FetchFile opens a file a person sent. It fails with ETOOLARGE when
	// the network will not serve files that big, before any download.
	FetchFile(ctx context.Context, f IncomingFile) (io.ReadCloser, error)
}

// RetryAfterError is returned by a Channel when the network asks the bot to
// slow down (Telegram's 429): nothing was sent, try again after Wait.
type RetryAfterError struct {
	Wait time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited: retry after %s", e.Wait)
}

// ChannelTokens are the OAuth tokens a network gives the bot (Zalo's
// access token and its single-use refresh token), kept in the store so
// that a restart, or a crash right after a refresh, never loses the one
// refresh token that still works.
type ChannelTokens struct {
	Access         string
	AccessExpires  time.Time
	Refresh        string
	RefreshExpires time.Time
	UpdatedAt      time.Time
}

// QuotaError is returned by a Channel when the network will not take more
// messages of this kind for now (Zalo's quota of proactive messages): nothing
// was sent, and retrying the same network before Until does not help;
// another network the person uses might. Message says so in Vietnamese.
type QuotaError struct {
	Until   time.Time // when the quota renews; zero if unknown
	Message string
}

func (e *QuotaError) Error() string { return "quota exhausted: " + e.Message }

// TemporaryError wraps a failure that may pass on its own (5xx, a dropped
// connection, a timeout): the send may be retried with backoff.
type TemporaryError struct {
	Err error
}

func (e *TemporaryError) Error() string { return "temporary: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *TemporaryError) Unwrap() error { return e.Err }

// Command is a chat command with its description, as menus show it.
type Command struct {
	Name        string // without the slash: "trangthai"
	Description string
}
