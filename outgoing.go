package cchcbot

import (
	"context"
	"time"
)

// OutKind says what an outgoing message is: its kind decides whether it
// can expire, and metrics count the queue by it.
type OutKind string

// The kinds of outgoing messages.
const (
	OutReply    OutKind = "reply"    // an answer to a person who wrote or pressed a button
	OutReceipt  OutKind = "receipt"  // the receipt of a recorded submission
	OutReminder OutKind = "reminder" // a step of the reminder plan, or an admin's push
	OutNotice   OutKind = "notice"   // to admins or members: a new report, a review, an unreachable member
	OutDigest   OutKind = "digest"   // the admins' daily digest and summaries
)

// OutKinds lists the kinds in a fixed order, for metrics.
var OutKinds = []OutKind{OutReply, OutReceipt, OutReminder, OutNotice, OutDigest}

// Outgoing is a message the bot has decided to send. It is written to the
// store in the same commit as the change that causes it (a receipt with its
// submission, a reminder with its log record) or, for a plain reply, before
// the event that asked for it counts as handled; a sender delivers it
// afterwards, retrying until it is delivered, refused for good or expired.
// Nothing the bot means to say is lost when the network is down.
type Outgoing struct {
	ID       uint64 // assigned by the store in the commit that queues it
	Kind     OutKind
	To       UserID
	Priority Priority
	Text     string // the text, or a document's caption
	Buttons  [][]Button

	// EditID, when set, is the network's id of a message the bot sent to
	// To: the message's text and buttons are replaced instead of sending a
	// new one.
	EditID string
	// Document, when set, sends a stored report file with Text as its
	// caption.
	Document *OutFile
	// Reminder, when set, is the reminder log record this message
	// delivers: the commit that removes the message records the outcome
	// (sent, failed or expired) in the log.
	Reminder *ReminderKey

	CreatedAt time.Time
	// ExpiresAt, when set, is when the message is no longer worth sending
	// (a reminder whose next step is due): it is dropped, not sent late.
	// Replies and receipts never expire.
	ExpiresAt time.Time
}

// Expired reports whether o is no longer worth sending at now.
func (o *Outgoing) Expired(now time.Time) bool {
	return !o.ExpiresAt.IsZero() && !now.Before(o.ExpiresAt)
}

// OutFile is a report file to send: by the network's own id when it has one
// (no upload), else read from the file store by its hash.
type OutFile struct {
	SHA256        string
	ChannelFileID string
	Name          string
	Size          int64
}

// ReminderKey is the identity of one reminder log record.
type ReminderKey struct {
	PeriodID string
	UnitCode string
	Step     string
	Member   UserID
}

// Key returns r's identity.
func (r *Reminder) Key() ReminderKey {
	return ReminderKey{PeriodID: r.PeriodID, UnitCode: r.UnitCode, Step: r.Step, Member: r.Member}
}

// DeliveryState is how an outgoing message left the queue.
type DeliveryState string

// The outcomes of an outgoing message.
const (
	Delivered DeliveryState = "delivered" // the network accepted it
	Refused   DeliveryState = "refused"   // for good: blocked bot, chat not found, a malformed message
	Expired   DeliveryState = "expired"   // its time passed before the network took it
)

// Delivery is the outcome of one outgoing message.
type Delivery struct {
	ID        uint64 // the Outgoing's
	State     DeliveryState
	At        time.Time
	MessageID string // the network's id of the sent message
	Error     string // why it was refused, for staff
}

// Outbox is where the bot puts what it means to say. Queue commits msgs in
// one transaction and returns once they are durable; their IDs are set.
type Outbox interface {
	Queue(ctx context.Context, msgs ...*Outgoing) error
}
