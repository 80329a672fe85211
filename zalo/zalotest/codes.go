package zalotest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Zalo's error codes as this server answers them, always with HTTP 200 and
// {"error":<code>,"message":"..."} (OAuth: "error_name" and friends). The
// OA API's codes are negative; docs/ZALO.md §7 gives their sources. The
// English messages are this server's wording: a bot must act on the code,
// never on the text.
const (
	CodeRateLimit          = -32  // too many requests of the app or the OA this minute (ErrorNext)
	CodeInvalidParams      = -201 // "<field> is invalid": a malformed request
	CodeLimitExceeded      = -210 // a parameter over its limit: a text over 2,000 characters, an upload over 5 MB
	CodeQuota              = -211 // the OA is out of quota for the feature (QuotaNext's default)
	CodeNotFollower        = -213 // recipient never followed the OA, or unfollowed
	CodeInvalidAccessToken = -216 // an access token this server never issued
	CodeUserQuota          = -218 // the recipient's quota of messages received is used up
	CodeExpiredAccessToken = -220 // an access token past its expiry, or revoked (ExpireAccessToken)
	CodeUserInactive       = -227 // the recipient is banned or has not used Zalo for 45 days
	CodeNoInteraction      = -230 // the recipient has not interacted with the OA for 7 days (WithInteractionWindow)
	CodeInteractionExpired = -232 // the same refusal in other words

	CodeTextTooLong  = CodeLimitExceeded
	CodeFileTooLarge = CodeLimitExceeded
	// CodeInvalidFileType answers an upload that is not PDF, DOC or DOCX.
	// No source names Zalo's code for it (docs/ZALO.md §5): this server
	// uses the generic one.
	CodeInvalidFileType = CodeInvalidParams

	CodeInvalidSecret       = -14002 // wrong secret_key header or app_id (the code is unverified)
	CodeInvalidOAuthParam   = -14003 // grant_type or refresh_token missing or wrong
	CodeInvalidRefreshToken = -14014 // unknown or already used refresh token
	CodeExpiredRefreshToken = -14020 // refresh token past its lifetime
)

// The Social API's quota codes. No OA source returns them (docs/ZALO.md
// §7), but the project's issue reports them from production on
// /message/cs, so QuotaNext and SetUserQuota still offer them.
const (
	QuotaExceeded     = 12000 // generic quota
	QuotaDaily        = 12002 // the OA's daily quota
	QuotaWeekly       = 12003
	QuotaMonthly      = 12004
	QuotaUserInactive = 12007 // the user has not interacted for over 30 days
	QuotaUserDaily    = 12010 // this user's daily quota
)

var codeMessages = map[int]string{
	CodeRateLimit:          "Request limit of the application or OA per minute exceeded",
	CodeInvalidParams:      "Parameter is invalid",
	CodeLimitExceeded:      "Parameter exceeds allowable limit",
	CodeQuota:              "Out of quota",
	CodeNotFollower:        "User has not followed OA",
	CodeInvalidAccessToken: "Access token is invalid",
	CodeUserQuota:          "User has reached the limit of messages received",
	CodeExpiredAccessToken: "Access token has expired or been removed",
	CodeUserInactive:       "User is banned or has been inactive for more than 45 days",
	CodeNoInteraction:      "User has not interacted with the OA in the past 7 days",
	CodeInteractionExpired: "User interaction has expired",

	QuotaExceeded:     "Quota exceeded",
	QuotaDaily:        "Daily quota exceeded",
	QuotaWeekly:       "Weekly quota exceeded",
	QuotaMonthly:      "Monthly quota exceeded",
	QuotaUserInactive: "User has not interacted with the OA in the last 30 days",
	QuotaUserDaily:    "Daily quota for this user exceeded",
}

// codeMessage is the message of a code; codes the table lacks get the
// generic quota message (QuotaNext and SetUserQuota take any code).
func codeMessage(code int) string {
	if m, ok := codeMessages[code]; ok {
		return m
	}
	return codeMessages[QuotaExceeded]
}

// apiError is an unsuccessful OA API answer.
type apiError struct {
	code int
	msg  string
}

func invalidParams(msg string) *apiError { return &apiError{CodeInvalidParams, msg} }

var (
	errInvalidToken = &apiError{CodeInvalidAccessToken, codeMessages[CodeInvalidAccessToken]}
	errExpiredToken = &apiError{CodeExpiredAccessToken, codeMessages[CodeExpiredAccessToken]}
)

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
