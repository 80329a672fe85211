// Package cchcbot holds the domain of the CCHC deadline bot: the units that
// owe reports, the report kinds and their periods, submissions, reminders and
// the rules of the reporting calendar.
//
// It imports only the standard library. The packages below it implement its
// interfaces against one outside dependency each: store (bbolt), bot
// (Telegram), scheduler (cron); cmd/cchcbot wires them together.
package cchcbot

import "time"

// Clock tells the current time. Everything that depends on "now" takes a
// Clock so that a year of deadlines can be tested without sleeping.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to the Clock interface.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the wall clock, for production wiring only.
var SystemClock Clock = ClockFunc(time.Now)

// DefaultTimezone is the zone every deadline of the district is counted in.
const DefaultTimezone = "Asia/Ho_Chi_Minh"
