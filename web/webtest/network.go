package webtest

import (
	"context"
	"io"
	"strconv"
	"strings"
	"sync"

	"cchcbot"
)

// Network is a chat network that records what the bot sends: the fake
// behind the fixture's outbox, for Telegram and Zalo users alike.
type Network struct {
	mu   sync.Mutex
	seq  int
	sent []cchcbot.OutMessage
	docs []cchcbot.OutDocument
}

// NewNetwork returns an empty recording network.
func NewNetwork() *Network { return &Network{} }

var _ cchcbot.Channel = (*Network)(nil)

// Send records m.
func (n *Network) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.seq++
	n.sent = append(n.sent, m)
	return cchcbot.MessageRef{To: m.To, ID: strconv.Itoa(n.seq)}, nil
}

// Edit records the new text as a message.
func (n *Network) Edit(ctx context.Context, ref cchcbot.MessageRef, text string, buttons [][]cchcbot.Button) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, cchcbot.OutMessage{To: ref.To, Text: text, Buttons: buttons})
	return nil
}

// SendDocument records d.
func (n *Network) SendDocument(ctx context.Context, d cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.seq++
	n.docs = append(n.docs, d)
	return cchcbot.MessageRef{To: d.To, ID: strconv.Itoa(n.seq)}, nil
}

// AnswerCallback does nothing: the dashboard presses no buttons.
func (n *Network) AnswerCallback(ctx context.Context, callbackID, text string) error { return nil }

// FetchFile serves nothing: nobody sends files in these tests.
func (n *Network) FetchFile(ctx context.Context, f cchcbot.IncomingFile) (io.ReadCloser, error) {
	return nil, cchcbot.Errorf(cchcbot.ENOTFOUND, "no file")
}

// Sent returns every message sent so far, in order.
func (n *Network) Sent() []cchcbot.OutMessage {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]cchcbot.OutMessage(nil), n.sent...)
}

// SentTo returns the texts sent to user so far, in order.
func (n *Network) SentTo(user cchcbot.UserID) []string {
	var out []string
	for _, m := range n.Sent() {
		if m.To == user {
			out = append(out, m.Text)
		}
	}
	return out
}

// Received reports whether user was sent a message containing every one
// of parts.
func (n *Network) Received(user cchcbot.UserID, parts ...string) bool {
	for _, text := range n.SentTo(user) {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(text, p)
		}
		if ok {
			return true
		}
	}
	return false
}
