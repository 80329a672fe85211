package cchcbot

import "time"

// WebLogin is a one-time link to the web dashboard, asked for by an admin
// (/web in chat, or cchcbot web-login). Only the hash of its token is
// stored: the token itself is in the admin's chat and nowhere else.
type WebLogin struct {
	Hash      string // sha256 of the token, hex
	Admin     UserID
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// Used reports whether the link has started a session.
func (l WebLogin) Used() bool { return !l.UsedAt.IsZero() }

// WebSession is a signed-in admin's session on the dashboard. Only the
// hash of its id is stored, so a copy of the database opens no session.
type WebSession struct {
	Hash      string // sha256 of the session id, hex
	Admin     UserID
	CSRF      string // the token every form of the session must carry
	CreatedAt time.Time
	ExpiresAt time.Time
}
