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
// Each fact below was checked against public sources in docs/ZALO.md
// (its section in brackets) and carries the verdict given there:
// confirmed, differs (the issue said otherwise; the code follows the
// sources) or unverified (the code accepts every variant the sources
// show). zalotest implements the same facts.
//
//   - Sending: POST {api}/v3.0/oa/message/cs with the access token in an
//     "access_token" header and JSON {"recipient":{"user_id"},"message":
//     {"text"}}; Zalo answers HTTP 200 with {"error":0,"data":
//     {"message_id"}} or a negative "error", so "error" is checked, not
//     only the status. Confirmed [§4]. (send.go, api.go)
//   - Buttons: a "template" attachment listing the buttons (at most 5 by
//     an older SDK; the adapter does not cut); "oa.query.hide" has a
//     string payload, "oa.open.url" payload.url. Unverified for v3 cs
//     [§4]. The bot builds no "oa.open.phone"
//     button (its payload would be {"phone_code"}, confirmed [§4]).
//   - A pressed oa.query.hide button arrives as user_send_text with the
//     payload as text: unverified [§4]; the payload carries CallbackPrefix
//     and the chat checks it as it checks Telegram's callback data.
//   - A text is at most 2,000 characters: confirmed; whether runes or
//     UTF-16 units is unverified, so UTF-16 units are counted (never
//     fewer) [§4]. Longer text is split before sending. (split.go)
//   - A sent message cannot be edited: Edit sends a new one. (send.go)
//   - Error codes [§7], all confirmed unless said: -216 and -220 (access
//     token invalid, expired) refresh the token and try once more; -213
//     (not a follower), -230 and -232 (no interaction for 7 days [§6]) and
//     -227 (user banned or inactive 45 days) are EUNREACHABLE: Zalo will
//     deliver nothing until the person writes to the OA; -211 and -218
//     (the OA's, the user's quota) are a *cchcbot.QuotaError; -32 (rate
//     limit) is a *cchcbot.RetryAfterError of a few seconds; -210 is a
//     text or an upload over its limit (ETOOLARGE; one source); -201 is
//     any invalid parameter, refused for good (EINVALID), not "text too
//     long" as the issue had it (differs). The 12000-series (12000, 12002,
//     12003, 12004, 12010 quotas; 12007 no interaction for 30 days) are
//     the Social API's, not the OA's (differs), yet the issue reports
//     them from production, so they remain QuotaErrors with the periods
//     the issue gives them, renewed in Asia/Ho_Chi_Minh. (errors.go)
//   - The 8-free-replies cap is gone (differs [§6]): nothing counts
//     replies; a refusal is read from Zalo's code.
//   - Uploads: POST {api}/v2.0/oa/upload/file, multipart part "file",
//     "access_token" header, at most 5 MB: confirmed [§5]; PDF, DOC or
//     DOCX only, judged by the extension: unverified [§5], enforced
//     before uploading. The answer's key differs between sources [§5]:
//     data.token (Zalo's SDKs) or data.attachment_id; either is read and
//     sent back under the same key in a file attachment, without text.
//     (document.go)
//   - OAuth: POST {oauth}/v4/oa/access_token, form app_id, grant_type=
//     refresh_token, refresh_token, with the App Secret (not the OA
//     Secret Key) in a "secret_key" header, answers {"access_token",
//     "refresh_token","expires_in"}: confirmed [§8]. expires_in is
//     "90000" (25 hours) as a string or a number [§8]. A refresh token
//     works once and lasts three months: confirmed [§8]; the answer does
//     not say how long, so the adapter counts 90 days. The old access
//     token keeps its own expiry after a refresh. -14014 (invalid) and
//     -14020 (expired) mean the refresh token is dead: confirmed as
//     public code uses them [§8]. An answer without both tokens (a used
//     token has been reported to get an empty HTTP 200) is a failed
//     refresh [§8]. -14002 (bad secret) is unverified; -14003 (bad
//     parameter) confirmed. (oauth.go, tokens.go)
//   - Webhook [§1]: Zalo POSTs JSON events with app_id, event_name,
//     timestamp (Unix ms, a string), sender.id, recipient.id,
//     user_id_by_app and message{msg_id (or message_id), text,
//     attachments[{type, payload{url, name, size, type}}]}: confirmed.
//     payload.size is a string or a number (unverified; both read).
//     follow/unfollow name the user in follower.id and the OA in oa_id,
//     and may lack sender and recipient (differs); one source spells
//     them user_follow/user_unfollow (both read). In delivery events
//     (user_received_message with message.msg_id, user_seen_message with
//     message.msg_ids) the sender is the OA and the recipient the user
//     (differs). Many other events arrive (oa_send_* mirrors of the OA's
//     own messages, stickers, locations, names not yet known): all are
//     answered 200 and only remembered; anything the OA sent is dropped.
//     Events carry no display name. (webhook.go, event.go)
//   - Signature [§2]: header X-ZEvent-Signature = hex of sha256(app_id +
//     raw body + timestamp + OA Secret Key), confirmed; the "mac=" prefix
//     is unverified, so it is optional.
//   - Zalo waits about 2 s for a 200 [§3]: one source. That it retries
//     for 12 hours, then disables the webhook, is unverified [§3]; either
//     way an event is acknowledged only once stored, and deduplicated.
//   - A file URL in an event is downloaded with a plain GET (no token
//     header) on receipt; how long it lives is unverified [§5]; an
//     expired one is answered 403/404/410. (fetch.go)
//
// # Choices of this package
//
// Tokens live in the store (TokenStore) and the store is the truth: a new
// pair is committed before its access token is used or the call returns,
// because Zalo has consumed the old refresh token by the time it answers.
// Refreshes run one at a time and detached from the caller's context, an
// hour before the access token expires (or at once on -216 or -220); a
// refresh token Zalo refuses marks the client unhealthy (Healthy) and
// calls Config.OnTokenDead once. An answer without a token pair counts as
// such a refusal only when it comes twice for the same refresh token:
// once may be a glitch, and calling the token dead sends an admin through
// Zalo's authorisation. Messages to Zalo users then fail as temporary,
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
