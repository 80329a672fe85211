package main

import (
	"context"
	"errors"
	"io"
	"sync"

	"cchcbot"
)

// lateChannel stands for a network the bot has not reached yet (Telegram
// while the line is down at start). Until set, a message fails as a
// temporary error, so that network's outbox sender keeps it and retries;
// a handler that needs the network itself (a file to download, a button
// to answer, an export to send) waits for it, so that an event accepted
// before a restart is handled as if nothing had happened, and a shutdown
// meanwhile leaves it in the inbox. Another network (Zalo) works all along.
type lateChannel struct {
	name  string
	once  sync.Once
	ready chan struct{} // closed by set
	c     cchcbot.Channel
}

var _ cchcbot.Channel = (*lateChannel)(nil)

func newLateChannel(name string) *lateChannel {
	return &lateChannel{name: name, ready: make(chan struct{})}
}

func (l *lateChannel) set(c cchcbot.Channel) {
	l.once.Do(func() {
		l.c = c
		close(l.ready)
	})
}

// get returns the network, or a temporary error while it is not reached.
func (l *lateChannel) get() (cchcbot.Channel, error) {
	select {
	case <-l.ready:
		return l.c, nil
	default:
		return nil, &cchcbot.TemporaryError{Err: errors.New(l.name + " not reached yet")}
	}
}

// wait returns the network once reached, or ctx's error.
func (l *lateChannel) wait(ctx context.Context) (cchcbot.Channel, error) {
	select {
	case <-l.ready:
		return l.c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *lateChannel) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	c, err := l.get()
	if err != nil {
		return cchcbot.MessageRef{}, err
	}
	return c.Send(ctx, m)
}

func (l *lateChannel) Edit(ctx context.Context, ref cchcbot.MessageRef, text string, buttons [][]cchcbot.Button) error {
	c, err := l.get()
	if err != nil {
		return err
	}
	return c.Edit(ctx, ref, text, buttons)
}

func (l *lateChannel) SendDocument(ctx context.Context, d cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	c, err := l.wait(ctx)
	if err != nil {
		return cchcbot.MessageRef{}, err
	}
	return c.SendDocument(ctx, d)
}

func (l *lateChannel) AnswerCallback(ctx context.Context, id, text string) error {
	c, err := l.wait(ctx)
	if err != nil {
		return err
	}
	return c.AnswerCallback(ctx, id, text)
}

func (l *lateChannel) FetchFile(ctx context.Context, f cchcbot.IncomingFile) (io.ReadCloser, error) {
	c, err := l.wait(ctx)
	if err != nil {
		return nil, err
	}
	return c.FetchFile(ctx, f)
}
