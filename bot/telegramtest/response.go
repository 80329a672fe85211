package telegramtest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// apiError is an unsuccessful Bot API answer:
// {"ok":false,"error_code":...,"description":...,"parameters":{...}}.
type apiError struct {
	code       int
	desc       string
	retryAfter int   // parameters.retry_after, for 429
	migrateTo  int64 // parameters.migrate_to_chat_id, for upgraded groups
}

// errNoResponse tells serveHTTP to write nothing: the client is gone.
var errNoResponse = &apiError{}

func badRequest(desc string) *apiError {
	return &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + desc}
}

func tooManyRequests(seconds int) *apiError {
	return &apiError{code: http.StatusTooManyRequests, desc: "Too Many Requests: retry after " + strconv.Itoa(seconds), retryAfter: seconds}
}

type responseParameters struct {
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
	RetryAfter      int   `json:"retry_after,omitempty"`
}

type errorBody struct {
	OK          bool                `json:"ok"`
	ErrorCode   int                 `json:"error_code"`
	Description string              `json:"description"`
	Parameters  *responseParameters `json:"parameters,omitempty"`
}

func writeError(w http.ResponseWriter, e *apiError) {
	body := errorBody{ErrorCode: e.code, Description: e.desc}
	if e.retryAfter > 0 || e.migrateTo != 0 {
		body.Parameters = &responseParameters{RetryAfter: e.retryAfter, MigrateToChatID: e.migrateTo}
	}
	data, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(e.code)
	w.Write(data)
}

type okBody struct {
	OK     bool `json:"ok"`
	Result any  `json:"result"`
}

func writeOK(w http.ResponseWriter, result any) {
	data, err := json.Marshal(okBody{OK: true, Result: result})
	if err != nil {
		writeError(w, &apiError{code: http.StatusInternalServerError, desc: "Internal Server Error: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}
