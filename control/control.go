// Package control lets staff commands reach a running bot. bbolt lets one
// process hold the database, yet staff run `cchcbot status` while the bot
// runs: the bot serves those commands on a unix socket in data_dir (mode
// 0600 in a 0700 directory, which is the access control; no network
// listener), running the very function the command would run locally, so
// the output is the same either way.
//
// The protocol is JSON lines. The client sends one request line
// {"cmd":"status","args":["02/2024"]}; the server answers with an
// acknowledgement frame, then the command's output in frames, then a final
// frame carrying the command's error message and exit code, if any.
package control

import (
	"encoding/json"
)

// SocketName is the socket's file name inside data_dir.
const SocketName = "control.sock"

// MaxRequest bounds a request line: a command and a few arguments. A larger
// request is refused, so a stray writer cannot make the bot buffer much.
const MaxRequest = 64 << 10

type request struct {
	Cmd  string   `json:"cmd"`
	Args []string `json:"args"`
}

// frame is one line of the answer: an acknowledgement, output, then a
// final frame with Done.
type frame struct {
	Ack   bool   `json:"ack,omitempty"`
	Out   string `json:"out,omitempty"`
	Done  bool   `json:"done,omitempty"`
	Error string `json:"error,omitempty"`
	// Exit is the exit code the command's error asks for (see ExitCoder);
	// 0 lets the client choose.
	Exit int `json:"exit,omitempty"`
}

// ExitCoder is an error that names the process exit code it should cause.
// The server passes the code to the client, so a command that fails with a
// usage error exits the same way whether it ran locally or in the bot.
type ExitCoder interface {
	error
	ExitCode() int
}

// RemoteError is a command's failure as reported by the server.
type RemoteError struct {
	Message string
	Code    int // the exit code the command asked for, 0 if none
}

// Error returns the command's own message, unchanged.
func (e *RemoteError) Error() string { return e.Message }

// ExitCode returns the exit code the command asked for.
func (e *RemoteError) ExitCode() int { return e.Code }

func encodeLine(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
