package control_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cchcbot/control"
)

func TestCallRunsHandler(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, control.SocketName)
	srv := &control.Server{Handlers: map[string]control.HandlerFunc{
		"echo": func(ctx context.Context, args []string, w io.Writer) error {
			fmt.Fprintln(w, "đơn vị:", strings.Join(args, " "))
			fmt.Fprintln(w, "dòng 2")
			return nil
		},
		"fail": func(ctx context.Context, args []string, w io.Writer) error {
			fmt.Fprintln(w, "partial")
			return errors.New("không có đơn vị mã \"x\"")
		},
	}}
	if err := srv.Listen(path); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Serve(ctx)

	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode = %v %v", fi.Mode().Perm(), err)
	}
	var out bytes.Buffer
	if err := control.Call(ctx, path, "echo", []string{"xa-chau-loc"}, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "đơn vị: xa-chau-loc\ndòng 2\n" {
		t.Errorf("out = %q", out.String())
	}
	out.Reset()
	err = control.Call(ctx, path, "fail", nil, &out)
	if err == nil || err.Error() != "không có đơn vị mã \"x\"" || out.String() != "partial\n" {
		t.Errorf("fail: err = %v, out = %q", err, out.String())
	}
	if err := control.Call(ctx, path, "nope", nil, &out); err == nil {
		t.Error("unknown command succeeded")
	}
	// A second server refuses to steal a live socket.
	if err := (&control.Server{}).Listen(path); err == nil {
		t.Error("second Listen on a live socket succeeded")
	}
	cancel()
	srv.Close()
	if err := control.Call(context.Background(), path, "echo", nil, &out); !errors.Is(err, control.ErrNoAnswer) {
		t.Errorf("call after close err = %v, want ErrNoAnswer", err)
	}
	// A stale socket file is replaced.
	srv2 := &control.Server{Handlers: srv.Handlers}
	if err := srv2.Listen(path); err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	srv2.Close()
}
