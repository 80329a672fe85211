package zalotest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Zalo's error codes as this server answers them, always with HTTP 200 and
// {"error":<code>,"message":"..."} (OAuth: "error_name" and friends).
const (
	CodeInvalidParams      = -201 // malformed request, text too long (message "Text is too long")
	CodeFileTooLarge       = -210 // upload over 5 MB
	CodeInvalidFileType    = -211 // upload that is not PDF, DOC or DOCX
	CodeNotFollower        = -213 // recipient never followed the OA, or unfollowed
	CodeInvalidAccessToken = -216 // unknown or expired access token

	CodeInvalidSecret       = -14002 // wrong secret_key header or app_id
	CodeInvalidOAuthParam   = -14003 // grant_type or refresh_token missing or wrong
	CodeInvalidRefreshToken = -14014 // unknown, already used or expired refresh token
)

// Zalo's quota codes for /message/cs. The codes come from the project's
// Zalo issue and docs/ZALO.md; the English messages are this server's
// wording, since the bot must act on the code, never on the text.
const (
	QuotaExceeded     = 12000 // generic quota
	QuotaDaily        = 12002 // the OA's daily quota
	QuotaWeekly       = 12003
	QuotaMonthly      = 12004
	QuotaUserInactive = 12007 // the user has not interacted for over 30 days
	QuotaUserDaily    = 12010 // this user's daily quota
)

var quotaMessages = map[int]string{
	QuotaExceeded:     "Quota exceeded",
	QuotaDaily:        "Daily quota exceeded",
	QuotaWeekly:       "Weekly quota exceeded",
	QuotaMonthly:      "Monthly quota exceeded",
	QuotaUserInactive: "User has not interacted with the OA in the last 30 days",
	QuotaUserDaily:    "Daily quota for this user exceeded",
}

// quotaMessage is the message of a quota code; codes the table lacks get
// the generic one.
func quotaMessage(code int) string {
	if m, ok := quotaMessages[code]; ok {
		return m
	}
	return quotaMessages[QuotaExceeded]
}

// apiError is an unsuccessful OA API answer.
type apiError struct {
	code int
	msg  string
}

func invalidParams(msg string) *apiError { return &apiError{CodeInvalidParams, msg} }

var errInvalidToken = &apiError{CodeInvalidAccessToken, "Access token is invalid"}

// reply is the OA API's envelope: {"error":0,"message":"Success","data":...}.
type reply struct {
	Error   int    `json:"error"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

func writeJSON(w http.ResponseWriter, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "zalotest: cannot encode answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

func writeOK(w http.ResponseWriter, data any) {
	writeJSON(w, reply{Error: 0, Message: "Success", Data: data})
}

// writeError answers as Zalo does: HTTP 200, the error in the body.
func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, reply{Error: e.code, Message: e.msg})
}
