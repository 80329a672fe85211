package zalotest

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"time"
)

// User is a simulated Zalo user. ID is the id Zalo gives the user for
// this OA (a long digit string such as "8412345678901234567"): events
// carry it as sender.id and the bot sends to it. Name is for test logs:
// Zalo's events carry no name.
type User struct {
	ID   string
	Name string
}

// userState is what the server knows of one user.
type userState struct {
	follower   bool
	code       int       // an error code every send to the user fails with; 0 if none
	interacted time.Time // the user's last interaction with the OA
	sent       []int     // indexes into Server.messages
	cursor     int       // NextMessage's position in sent
}

// userLocked returns the user's state, creating it; s.mu must be held.
func (s *Server) userLocked(id string) *userState {
	u := s.users[id]
	if u == nil {
		u = &userState{}
		s.users[id] = u
	}
	return u
}

// UserIDByApp returns the user's app-scoped id, the "user_id_by_app" of
// events: another long digit string, stable for one user and app, and
// different from the user's OA-scoped ID, as on Zalo.
func (s *Server) UserIDByApp(u User) string {
	sum := sha256.Sum256([]byte(s.opts.appID + "/" + u.ID))
	n := binary.BigEndian.Uint64(sum[:8])%(9e18-1e18) + 1e18 // always 19 digits
	return strconv.FormatUint(n, 10)
}

// AddFollower makes u a follower of the OA without posting a follow
// event, as for someone who followed before the bot started. It counts
// as an interaction now (WithInteractionWindow).
func (s *Server) AddFollower(u User) {
	s.setFollower(u.ID, true)
	s.interact(u.ID)
}

// RemoveFollower makes u not a follower without posting an unfollow
// event: sends to u fail with -213.
func (s *Server) RemoveFollower(u User) { s.setFollower(u.ID, false) }

func (s *Server) setFollower(id string, on bool) {
	s.mu.Lock()
	s.userLocked(id).follower = on
	s.notifyLocked()
	s.mu.Unlock()
}

// IsFollower reports whether the user with id follows the OA.
func (s *Server) IsFollower(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[id]
	return u != nil && u.follower
}

// SetUserError makes every send to u (a follower) fail with Zalo's error
// code, e.g. CodeUserQuota, CodeUserInactive, CodeNoInteraction or the
// Social API's QuotaUserDaily, until it is set to 0 again.
func (s *Server) SetUserError(u User, code int) {
	s.mu.Lock()
	s.userLocked(u.ID).code = code
	s.mu.Unlock()
}

// SetUserQuota is SetUserError, by the name it had when only quotas were
// injected this way.
func (s *Server) SetUserQuota(u User, code int) { s.SetUserError(u, code) }

// interact records an interaction of the user with the OA now.
func (s *Server) interact(id string) {
	now := s.now() // never under s.mu: the clock is the test's code
	s.mu.Lock()
	s.userLocked(id).interacted = now
	s.mu.Unlock()
}
