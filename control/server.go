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

// Time limits on one connection. They are I/O deadlines, not logic: a
// client that connects and says nothing, or stops reading, must not hold a
// goroutine (and the bot's shutdown) forever.
const (
	requestTimeout = 5 * time.Second
	writeTimeout   = 30 * time.Second
)

// HandlerFunc runs one staff command, writing what the person should see
// to stdout. An error that implements ExitCoder keeps its exit code on the
// client's side.
type HandlerFunc func(ctx context.Context, args []string, stdout io.Writer) error

// Server serves staff commands on a unix socket.
type Server struct {
	Handlers map[string]HandlerFunc
	Logger   *slog.Logger // nil logs nothing

	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex // orders wg.Add in Serve before wg.Wait in Close
	closed bool
}

// Listen creates the socket at path, removing a stale one that nothing
// answers on. It refuses to replace a socket that a live process answers on.
func (s *Server) Listen(path string) error {
	if c, err := net.DialTimeout("unix", path, 200*time.Millisecond); err == nil {
		c.Close()
		return fmt.Errorf("control socket: another process already answers on %s", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("control socket: remove stale %s: %w", path, err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	// The socket is created with the umask's mode; the 0700 data_dir
	// already keeps others out in between, this makes the intent explicit.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("control socket: %w", err)
	}
	s.ln = ln
	return nil
}

// Serve answers connections until ctx ends or Close is called. Commands
// receive ctx: a shutdown cancels the ones in progress.
func (s *Server) Serve(ctx context.Context) {
	stop := context.AfterFunc(ctx, func() { s.ln.Close() })
	defer stop()
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

// Close stops accepting and waits for the commands in progress.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	s.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

func (s *Server) handle(ctx context.Context, conn net.Conn) {
	defer conn.Close()
	w := &frameWriter{conn: conn}
	req, err := readRequest(conn)
	if err != nil {
		w.send(frame{Done: true, Error: err.Error()})
		return
	}
	h, ok := s.Handlers[req.Cmd]
	if !ok {
		w.send(frame{Done: true, Error: fmt.Sprintf("unknown command %q", req.Cmd)})
		return
	}
	if err := w.send(frame{Ack: true}); err != nil {
		return
	}
	// Arguments are not logged: an invite's name or a file path is the
	// staff member's business, and nothing secret should reach the log.
	s.log(slog.LevelInfo, "control command", "cmd", req.Cmd)
	err = s.call(ctx, h, req, w)
	final := frame{Done: true}
	if err != nil {
		final.Error = err.Error()
		var ec ExitCoder
		if errors.As(err, &ec) {
			final.Exit = ec.ExitCode()
		}
		s.log(slog.LevelInfo, "control command failed", "cmd", req.Cmd, "err", err)
	}
	w.send(final)
}

// call runs h, turning a panic into an error: a bug in a staff command must
// not take the bot down with it.
func (s *Server) call(ctx context.Context, h HandlerFunc, req request, w io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log(slog.LevelError, "control command panicked", "cmd", req.Cmd, "panic", r)
			err = fmt.Errorf("internal error in %s", req.Cmd)
		}
	}()
	return h(ctx, req.Args, w)
}

func (s *Server) log(level slog.Level, msg string, args ...any) {
	if s.Logger != nil {
		s.Logger.Log(context.Background(), level, msg, args...)
	}
}

// readRequest reads the request line, refusing one over MaxRequest bytes.
func readRequest(conn net.Conn) (request, error) {
	conn.SetReadDeadline(time.Now().Add(requestTimeout))
	defer conn.SetReadDeadline(time.Time{})
	// The buffer holds MaxRequest bytes and the newline: a longer line
	// fills it without a newline and is refused.
	line, err := bufio.NewReaderSize(io.LimitReader(conn, MaxRequest+1), MaxRequest+1).ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return request{}, fmt.Errorf("request larger than %d KiB refused", MaxRequest>>10)
	}
	if err != nil {
		return request{}, fmt.Errorf("malformed request: %v", err)
	}
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		return request{}, fmt.Errorf("malformed request: %v", err)
	}
	return req, nil
}

// frameWriter sends each Write as one output frame.
type frameWriter struct {
	conn net.Conn
	mu   sync.Mutex
}

func (w *frameWriter) Write(p []byte) (int, error) {
	if err := w.send(frame{Out: string(p)}); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (w *frameWriter) send(f frame) error {
	line, err := encodeLine(f)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err = w.conn.Write(line)
	return err
}
