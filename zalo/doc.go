// Package zalo connects cchcbot to Zalo, Vietnam's chat network, through
// the office's Official Account (OA) and the OA Open API v3, over plain
// net/http: it implements cchcbot.Channel (send, "edit", documents, file
// downloads) and serves the webhook that accepts the OA's events into the
// store's durable inbox, whose dispatcher (package inbox) hands them to
// the conversation logic, exactly as the Telegram poller does. It knows
// Zalo; nothing above it does.
//
// # The Zalo facts the code relies on
//
// Every fact below comes, for now, from the project's Zalo issue (the
// contract the fake server zalotest implements); another engineer is
// checking them against Zalo's public documentation into docs/ZALO.md.
// A fact that turns out wrong there is to be fixed here and in zalotest.
//
//   - Sending: POST {api}/v3.0/oa/message/cs with the access token in an
//     "access_token" header and JSON {"recipient":{"user_id"},"message":
//     {"text"}}. Buttons are a "template" attachment whose payload lists
//     buttons; "oa.query.hide" posts its string payload back to the
//     webhook as the user's text (user_send_text), "oa.open.url" opens
//     payload.url. A file is an attachment {"type":"file","payload":
//     {"token"}}, sent without text. Zalo answers HTTP 200 with
//     {"error":0,"data":{"message_id"}} or a non-zero "error".
//     (send.go, api.go)
//   - A text is at most 2,000 characters (-201 beyond). (split.go)
//   - A sent message cannot be edited: Edit sends a new one. (send.go)
//   - Error codes: -216 invalid access token (refresh, try once more);
//     -213 the user does not follow the OA (EUNREACHABLE); -201 invalid
//     parameter, for a text "too long"; -210/-211 an upload too big or
//     of the wrong type. Quotas: 12000 generic, 12002 the OA's daily,
//     12003 weekly, 12004 monthly, 12010 the user's daily quota, all a
//     *cchcbot.QuotaError that renews at the start of the next day
//     (week from Monday, month from the 1st) in Asia/Ho_Chi_Minh; 12007
//     the user has not interacted for 30 days, so Zalo will not deliver a
//     proactive message (a QuotaError with no renewal time). Which quota
//     code means which period follows zalotest/codes.go: it is the least
//     certain fact here; for 12000 the period is read from Zalo's message
//     when it names one. (errors.go)
//   - Uploads: POST {api}/v2.0/oa/upload/file, multipart part "file",
//     "access_token" header; PDF, DOC or DOCX only, at most 5 MB, judged
//     by the file name; the answer's data.token goes in a file message.
//     (document.go)
//   - OAuth: POST {oauth}/v4/oa/access_token, form app_id, grant_type=
//     refresh_token, refresh_token, with the app secret in a "secret_key"
//     header, answers {"access_token","refresh_token","expires_in"} with
//     expires_in a string of seconds (about 25 hours), or {"error"}:
//     -14014 the refresh token is invalid (used, expired, revoked), -14002
//     the secret is wrong, -14003 a parameter is missing. A refresh token
//     works once and lasts about three months; the answer does not say
//     how long, so the adapter counts 90 days. The old access token keeps
//     its own expiry after a refresh. (oauth.go, tokens.go)
//   - Webhook: Zalo POSTs JSON events (user_send_text, user_send_file,
//     user_send_image, user_send_link, user_send_sticker, follow,
//     unfollow, user_seen_message, user_received_message, ...) with
//     app_id, event_name, timestamp (Unix ms, a string), sender.id,
//     recipient.id, user_id_by_app and message{msg_id, text,
//     attachments[{type, payload{url, size (a string), name, checksum,
//     type}}]}; follow and unfollow carry follower.id and oa_id. Images
//     declare no size. The header X-ZEvent-Signature is "mac=" + hex of
//     sha256(app_id + raw body + timestamp + OA secret key). Zalo waits
//     about 2 s for an answer and posts an event again when it gets no
//     200. Events carry no display name. (webhook.go, event.go)
//   - A file URL in an event is downloaded with a plain GET (no token
//     header); it may expire (answered 403/404/410). (fetch.go)
//
// # Choices of this package
//
// Tokens live in the store (TokenStore) and the store is the truth: a new
// pair is committed before its access token is used or the call returns,
// because Zalo has consumed the old refresh token by the time it answers.
// Refreshes run one at a time and detached from the caller's context, an
// hour before the access token expires (or at once on -216); a refresh
// token Zalo refuses marks the client unhealthy (Healthy) and calls
// Config.OnTokenDead once. Messages to Zalo users then fail as temporary,
// so that the outbox keeps them until an admin installs a new token.
//
// A follow event becomes the text "/start", so the chat greets a new
// follower as it greets a Telegram user who opens the bot. A press of a
// data button arrives as text "cb:<data>" and becomes a CallbackPress
// whose ID is "zalo:<msg_id>:<user id>"; AnswerCallback sends a non-empty
// answer as a message (Zalo has no spinner or notice).
//
// Secrets (the app secret, the OA secret key and every token) never reach
// an error or a log line: errors and log records pass through a redactor
// of them, and file URLs lose their query before an error shows them.
package zalo
