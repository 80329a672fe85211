package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// ErrNoAnswer means nothing answered on the socket: no process listens, or
// the one that does is stuck and did not acknowledge the request in time.
var ErrNoAnswer = errors.New("no process answers on the control socket")

// DefaultAnswerTimeout is how long Call waits for a request to be
// acknowledged.
const DefaultAnswerTimeout = 3 * time.Second

// Client runs commands on a Server.
type Client struct {
	// Path is the socket's path.
	Path string
	// AnswerTimeout bounds the wait for the connection and for the
	// server's acknowledgement of the request, not for the command, which
	// may take long (a backup). Zero means DefaultAnswerTimeout.
	AnswerTimeout time.Duration
}

// Call runs cmd with args on the server at path, copying its output to
// stdout. See Client.Call.
func Call(ctx context.Context, path, cmd string, args []string, stdout io.Writer) error {
	return (&Client{Path: path}).Call(ctx, cmd, args, stdout)
}

// Call runs cmd with args on the server, copying its output to stdout. If
// nothing answers, the error wraps ErrNoAnswer. The command's own failure
// comes back as a *RemoteError with its message and exit code.
func (c *Client) Call(ctx context.Context, cmd string, args []string, stdout io.Writer) error {
	timeout := c.AnswerTimeout
	if timeout <= 0 {
		timeout = DefaultAnswerTimeout
	}
	var d net.Dialer
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := d.DialContext(dctx, "unix", c.Path)
	if err != nil {
		return fmt.Errorf("%w (%s): %v", ErrNoAnswer, c.Path, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	line, err := encodeLine(request{Cmd: cmd, Args: args})
	if err != nil {
		return err
	}
	// A holder that is stopped or hung still has its socket accept
	// connections (the kernel's backlog): only an acknowledgement proves
	// someone is there.
	conn.SetDeadline(time.Now().Add(timeout))
	if _, err := conn.Write(line); err != nil {
		return fmt.Errorf("%w (%s): %v", ErrNoAnswer, c.Path, err)
	}
	dec := json.NewDecoder(bufio.NewReader(conn))
	acked := false
	for {
		var f frame
		if err := dec.Decode(&f); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !acked {
				return fmt.Errorf("%w (%s): %v", ErrNoAnswer, c.Path, err)
			}
			return fmt.Errorf("control socket closed before the command finished: %w", err)
		}
		if f.Ack && !acked {
			acked = true
			conn.SetDeadline(time.Time{})
		}
		if f.Out != "" {
			if _, err := io.WriteString(stdout, f.Out); err != nil {
				return err
			}
		}
		if f.Done {
			if f.Error != "" {
				return &RemoteError{Message: f.Error, Code: f.Exit}
			}
			return nil
		}
	}
}
