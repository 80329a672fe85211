package chat

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"sync"
	"time"

	"cchcbot"
)

// sent is one message the service sent, with the reference it got.
type sent struct {
	Ref cchcbot.MessageRef
	cchcbot.OutMessage
}

type edit struct {
	Ref     cchcbot.MessageRef
	Text    string
	Buttons [][]cchcbot.Button
}

type answer struct{ ID, Text string }

// fakeChannel records what the service says and serves the files people
// "sent" from a map; it can be told to fail.
type fakeChannel struct {
	mu      sync.Mutex
	seq     int
	msgs    []sent
	edits   []edit
	docs    []cchcbot.OutDocument
	docBody [][]byte // what an upload from disk read; nil for a resend by id
	answers []answer
	files   map[string][]byte
	fetches int

	fetchErr   map[string]error // per file id, until cleared
	sendErr    map[cchcbot.UserID]error
	resendFail bool  // sending a document by its channel id fails
	docErr     error // every document upload fails with it
}

func newFakeChannel() *fakeChannel {
	return &fakeChannel{files: map[string][]byte{}, fetchErr: map[string]error{}, sendErr: map[cchcbot.UserID]error{}}
}

func (c *fakeChannel) Send(ctx context.Context, m cchcbot.OutMessage) (cchcbot.MessageRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.sendErr[m.To]; err != nil {
		return cchcbot.MessageRef{}, err
	}
	c.seq++
	ref := cchcbot.MessageRef{To: m.To, ID: strconv.Itoa(c.seq)}
	c.msgs = append(c.msgs, sent{ref, m})
	return ref, nil
}

func (c *fakeChannel) Edit(ctx context.Context, ref cchcbot.MessageRef, text string, buttons [][]cchcbot.Button) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.edits = append(c.edits, edit{ref, text, buttons})
	return nil
}

func (c *fakeChannel) SendDocument(ctx context.Context, d cchcbot.OutDocument) (cchcbot.MessageRef, error) {
	c.mu.Lock()
	fail := c.resendFail && d.ChannelFileID != ""
	docErr := c.docErr
	c.mu.Unlock()
	if docErr != nil && d.ChannelFileID == "" {
		return cchcbot.MessageRef{}, docErr
	}
	if fail {
		return cchcbot.MessageRef{}, cchcbot.Errorf(cchcbot.ENOTFOUND, "file id unknown")
	}
	var body []byte
	if d.ChannelFileID == "" {
		rc, err := d.Open()
		if err != nil {
			return cchcbot.MessageRef{}, err
		}
		body, err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return cchcbot.MessageRef{}, err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.docs = append(c.docs, d)
	c.docBody = append(c.docBody, body)
	return cchcbot.MessageRef{To: d.To, ID: strconv.Itoa(c.seq)}, nil
}

func (c *fakeChannel) AnswerCallback(ctx context.Context, id, text string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answers = append(c.answers, answer{id, text})
	return nil
}

func (c *fakeChannel) FetchFile(ctx context.Context, f cchcbot.IncomingFile) (io.ReadCloser, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fetches++
	if err := c.fetchErr[f.ChannelFileID]; err != nil {
		return nil, err
	}
	b, ok := c.files[f.ChannelFileID]
	if !ok {
		return nil, cchcbot.Errorf(cchcbot.ENOTFOUND, "Không còn tệp trên máy chủ.")
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// fakeReminders stands in for the scheduler.
type fakeReminders struct {
	mu       sync.Mutex
	pending  int
	reminded []string
	keys     []string // RemindNow's request keys
	upcoming []cchcbot.UpcomingReminder
}

func (r *fakeReminders) RemindNow(ctx context.Context, periodID string, by cchcbot.UserID, key string) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reminded = append(r.reminded, periodID)
	r.keys = append(r.keys, key)
	return r.pending, nil
}

func (r *fakeReminders) Pending(ctx context.Context, periodID string) (int, error) {
	return r.pending, nil
}

func (r *fakeReminders) Upcoming(ctx context.Context, now time.Time, limit int) ([]cchcbot.UpcomingReminder, error) {
	return r.upcoming, nil
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
