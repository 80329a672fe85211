package control_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cchcbot/control"
)

// usageErr is a handler error that asks for exit code 2.
type usageErr struct{ msg string }

func (e usageErr) Error() string { return e.msg }
func (e usageErr) ExitCode() int { return 2 }

// serve starts a server with handlers on a socket in a temp dir and stops
// it when the test ends.
func serve(t *testing.T, handlers map[string]control.HandlerFunc) (*control.Server, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), control.SocketName)
	srv := &control.Server{Handlers: handlers}
	if err := srv.Listen(path); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go srv.Serve(ctx)
	t.Cleanup(func() {
		cancel()
		srv.Close()
	})
	return srv, path
}

var handlers = map[string]control.HandlerFunc{
	"echo": func(ctx context.Context, args []string, w io.Writer) error {
		fmt.Fprintln(w, "đơn vị:", strings.Join(args, " "))
		fmt.Fprintln(w, "dòng 2")
		return nil
	},
	"fail": func(ctx context.Context, args []string, w io.Writer) error {
		fmt.Fprintln(w, "partial")
		return errors.New("không có đơn vị mã \"x\"")
	},
	"usage": func(ctx context.Context, args []string, w io.Writer) error {
		return fmt.Errorf("invite: %w", usageErr{"usage: cchcbot invite UNIT_CODE"})
	},
	"panic": func(ctx context.Context, args []string, w io.Writer) error {
		var m map[string]int
		m["x"]++
		return nil
	},
}

func TestCall(t *testing.T) {
	_, path := serve(t, handlers)
	for _, tc := range []struct {
		cmd      string
		args     []string
		wantOut  string
		wantErr  string // "" for success
		wantExit int
	}{
		{"echo", []string{"xa-chau-loc", "--ttl", "24h"}, "đơn vị: xa-chau-loc --ttl 24h\ndòng 2\n", "", 0},
		{"fail", nil, "partial\n", "không có đơn vị mã \"x\"", 0},
		{"usage", nil, "", "invite: usage: cchcbot invite UNIT_CODE", 2},
		{"nope", nil, "", "unknown command \"nope\"", 0},
		{"panic", nil, "", "internal error in panic", 0},
		// The server survived the panic.
		{"echo", nil, "đơn vị: \ndòng 2\n", "", 0},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			var out bytes.Buffer
			err := control.Call(context.Background(), path, tc.cmd, tc.args, &out)
			if out.String() != tc.wantOut {
				t.Errorf("out = %q, want %q", out.String(), tc.wantOut)
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			var re *control.RemoteError
			if !errors.As(err, &re) || re.Error() != tc.wantErr || re.ExitCode() != tc.wantExit {
				t.Errorf("err = %#v, want message %q exit %d", err, tc.wantErr, tc.wantExit)
			}
		})
	}
}

func TestListen(t *testing.T) {
	srv, path := serve(t, handlers)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode = %v %v, want 0600", fi.Mode().Perm(), err)
	}
	if err := (&control.Server{}).Listen(path); err == nil {
		t.Error("a second Listen on a live socket succeeded")
	}
	srv.Close()
	if err := control.Call(context.Background(), path, "echo", nil, io.Discard); !errors.Is(err, control.ErrNoAnswer) {
		t.Errorf("call after close: err = %v, want ErrNoAnswer", err)
	}
	// A process that died leaves its socket file behind, nothing behind it.
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no stale socket file: %v", err)
	}
	srv2 := &control.Server{Handlers: handlers}
	if err := srv2.Listen(path); err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	go srv2.Serve(context.Background())
	defer srv2.Close()
	if err := control.Call(context.Background(), path, "echo", nil, io.Discard); err != nil {
		t.Errorf("call on the new server: %v", err)
	}
}

// A process that holds the socket but never answers (stopped, hung) is no
// answer, not a hang.
func TestCallStuckServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), control.SocketName)
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close() // never accepts: connections wait in the backlog
	c := &control.Client{Path: path, AnswerTimeout: 100 * time.Millisecond}
	if err := c.Call(context.Background(), "status", nil, io.Discard); !errors.Is(err, control.ErrNoAnswer) {
		t.Errorf("err = %v, want ErrNoAnswer", err)
	}
}

func TestRequestTooLarge(t *testing.T) {
	_, path := serve(t, handlers)
	for _, tc := range []struct {
		name    string
		size    int
		wantErr string
	}{
		{"at the limit", control.MaxRequest - 100, "unknown command"},
		{"over the limit", control.MaxRequest + 1, "larger than 64 KiB"},
		{"far over the limit", 10 * control.MaxRequest, "larger than 64 KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("unix", path)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			line := `{"cmd":"` + strings.Repeat("x", tc.size) + "\"}\n"
			go conn.Write([]byte(line)) // the server may stop reading early
			answer, err := bufio.NewReader(conn).ReadString('\n')
			if err != nil || !strings.Contains(answer, tc.wantErr) {
				t.Errorf("answer = %q %v, want %q", answer, err, tc.wantErr)
			}
		})
	}
}

func TestCloseWaitsForCommands(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	srv, path := serve(t, map[string]control.HandlerFunc{
		"slow": func(ctx context.Context, args []string, w io.Writer) error {
			close(started)
			<-release
			finished.Store(true)
			fmt.Fprintln(w, "xong")
			return nil
		},
	})
	var out bytes.Buffer
	called := make(chan error, 1)
	go func() { called <- control.Call(context.Background(), path, "slow", nil, &out) }()
	<-started
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	close(release)
	<-closed
	if !finished.Load() {
		t.Error("Close returned before the command finished")
	}
	if err := <-called; err != nil || out.String() != "xong\n" {
		t.Errorf("call = %v %q", err, out.String())
	}
}

// Cancelling the server's context cancels the commands in progress; the
// client hears the command's error.
func TestServeCancelsCommands(t *testing.T) {
	path := filepath.Join(t.TempDir(), control.SocketName)
	started := make(chan struct{})
	srv := &control.Server{Handlers: map[string]control.HandlerFunc{
		"wait": func(ctx context.Context, args []string, w io.Writer) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		},
	}}
	if err := srv.Listen(path); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go srv.Serve(ctx)
	called := make(chan error, 1)
	go func() { called <- control.Call(context.Background(), path, "wait", nil, io.Discard) }()
	<-started
	cancel()
	if err := <-called; err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("err = %v, want the command's cancellation", err)
	}
	srv.Close()
}
