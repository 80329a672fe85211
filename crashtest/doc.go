// Package crashtest holds crash tests of the real cchcbot binary: it is
// built once, run against the fake Bot API server (bot/telegramtest) and
// killed with SIGKILL at random points of a reminder fan-out and of a
// stream of report submissions, then restarted until the work is done.
// The tests then check what the district relies on: no reminder sent twice
// beyond the one message a crash may leave in doubt, every unit reminded,
// no confirmed submission lost, no report file without its record nor
// record without its file, and a database that passes bbolt's check.
//
// The package has no code of its own; run it with
//
//	go test -v ./crashtest
//
// It is skipped under -short. CRASHTEST_SEED=<n> repeats the kill points
// of a logged run (the timing of the processes cannot be repeated).
package crashtest
