package main

import (
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"cchcbot"
	"cchcbot/bot/telegramtest"
)

// The deadline rush's plumbing: what follows the chats, and what times a
// download.

// mailbox holds the messages of one chat the run follows.
type mailbox struct {
	mu      sync.Mutex
	msgs    []telegramtest.Message
	changed chan struct{}
}

func newMailbox() *mailbox { return &mailbox{changed: make(chan struct{})} }

func (b *mailbox) add(m telegramtest.Message) {
	b.mu.Lock()
	b.msgs = append(b.msgs, m)
	close(b.changed)
	b.changed = make(chan struct{})
	b.mu.Unlock()
}

func (b *mailbox) len() int { b.mu.Lock(); defer b.mu.Unlock(); return len(b.msgs) }

func (b *mailbox) all() []telegramtest.Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.msgs)
}

// wait returns the nth (0-based) message from index from on that want
// accepts, and the index after it.
func (b *mailbox) wait(from, nth int, want func(telegramtest.Message) bool, timeout time.Duration) (telegramtest.Message, int, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		b.mu.Lock()
		k := 0
		for i := from; i < len(b.msgs); i++ {
			if want(b.msgs[i]) {
				if k == nth {
					m := b.msgs[i]
					b.mu.Unlock()
					return m, i + 1, nil
				}
				k++
			}
		}
		ch := b.changed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return telegramtest.Message{}, from, errors.New("timed out")
		}
	}
}

func containing(s string) func(telegramtest.Message) bool {
	return func(m telegramtest.Message) bool { return strings.Contains(m.Text, s) }
}

// route copies what the bot sends to the followed chats' mailboxes, until
// quit is closed.
func route(srv *telegramtest.Server, boxes map[int64]*mailbox, quit <-chan struct{}) {
	seen := 0
	for {
		select {
		case <-quit:
			return
		default:
		}
		srv.WaitFor(func(s *telegramtest.Server) bool { return s.TotalMessages() > seen }, 200*time.Millisecond)
		for _, m := range srv.MessagesSince(seen) {
			seen++
			if b := boxes[m.ChatID]; b != nil {
				b.add(m)
			}
		}
	}
}

// onEOF calls f once the fake server has read the file's last byte (its
// LimitReader never reads past it) or r ends: the download's end, give or
// take the last buffer's write to the bot.
type onEOF struct {
	r    io.Reader
	left int
	f    func()
	once sync.Once
}

func (o *onEOF) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	o.left -= n
	if o.left <= 0 || err == io.EOF {
		o.once.Do(o.f)
	}
	return n, err
}

func tgID(u cchcbot.UserID) int64 {
	id, _ := u.TelegramID()
	return id
}
