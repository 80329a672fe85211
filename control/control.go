// Package control lets staff commands reach a running bot. bbolt lets one
// process hold the database, yet staff run `cchcbot status` while the bot
// runs: the bot serves those commands on a unix socket in data_dir (mode
// 0600 in a 0700 directory, which is the access control; no network
// listener), running the very function the command would run locally, so
// the output is the same either way.
package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"
)

// SocketName is the socket's file name inside data_dir.
const SocketName = "control.sock"

// maxRequest bounds a request line: a command and a few arguments.
const maxRequest = 64 << 10

// HandlerFunc runs one staff command, writing what the person should see
// to stdout.
type HandlerFunc func(ctx context.Context, args []string, stdout io.Writer) error

type request struct {
	Cmd  string   `json:"cmd"`
	Args []string `json:"args"`
}

// frame is one line of the answer: output, then a final frame with Done.
type frame struct {
	Out   string `json:"out,omitempty"`
	Done  bool   `json:"done,omitempty"`
	Error string `json:"error,omitempty"`
}

// Server serves staff commands on a unix socket.
type Server struct {
	Handlers map[string]HandlerFunc
	Logger   *slog.Logger

	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex // orders wg.Add in Serve before wg.Wait in Close
	closed bool
}

// Listen creates the socket at path, removing a stale one that nothing
// answers on.
func (s *Server) Listen(path string) error {
	if c, err := net.DialTimeout("unix", path, 200*time.Millisecond); err == nil {
		c.Close()
		return fmt.Errorf("another process already answers on %s", path)
	}
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("control socket: %w", err)
	}
	s.ln = ln
	return nil
}

// Serve answers connections until ctx ends or Close is called.
func (s *Server) Serve(ctx context.Context) {
	go func() {
		<-ctx.Done()
		s.ln.Close()
	}()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return
		}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			s.handle(ctx, conn)
		}()
	}
}

// Close stops accepting and waits for commands in progress.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	err := s.ln.Close()
	s.wg.Wait()
	return err
}

func (s *Server) handle(ctx context.Context, conn net.Conn) {
	defer conn.Close()
	enc := json.NewEncoder(conn)
	var req request
	line, err := bufio.NewReaderSize(io.LimitReader(conn, maxRequest), maxRequest).ReadBytes('\n')
	if err != nil || json.Unmarshal(line, &req) != nil {
		enc.Encode(frame{Done: true, Error: "malformed request"})
		return
	}
	h, ok := s.Handlers[req.Cmd]
	if !ok {
		enc.Encode(frame{Done: true, Error: fmt.Sprintf("unknown command %q", req.Cmd)})
		return
	}
	if s.Logger != nil {
		s.Logger.Info("control command", "cmd", req.Cmd)
	}
	err = h(ctx, req.Args, frameWriter{enc})
	f := frame{Done: true}
	if err != nil {
		f.Error = err.Error()
	}
	enc.Encode(f)
}

type frameWriter struct{ enc *json.Encoder }

func (w frameWriter) Write(p []byte) (int, error) {
	if err := w.enc.Encode(frame{Out: string(p)}); err != nil {
		return 0, err
	}
	return len(p), nil
}

// ErrNoAnswer means nothing answered on the socket.
var ErrNoAnswer = errors.New("no process answers on the control socket")

// Call runs cmd with args on the server at path, copying its output to
// stdout. The command's own failure comes back as an error with its text.
func Call(ctx context.Context, path, cmd string, args []string, stdout io.Writer) error {
	var d net.Dialer
	dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := d.DialContext(dctx, "unix", path)
	if err != nil {
		return fmt.Errorf("%w (%s): %v", ErrNoAnswer, path, err)
	}
	defer conn.Close()
	go func() {
		<-ctx.Done()
		conn.Close()
	}()
	if err := json.NewEncoder(conn).Encode(request{Cmd: cmd, Args: args}); err != nil {
		return fmt.Errorf("%w: %v", ErrNoAnswer, err)
	}
	dec := json.NewDecoder(conn)
	for {
		var f frame
		if err := dec.Decode(&f); err != nil {
			return fmt.Errorf("control socket closed before the command finished: %w", err)
		}
		if f.Out != "" {
			if _, err := io.WriteString(stdout, f.Out); err != nil {
				return err
			}
		}
		if f.Done {
			if f.Error != "" {
				return errors.New(f.Error)
			}
			return nil
		}
	}
}
