package cchcbot

import (
	"strconv"
	"strings"
	"time"
)

// UnitGroup is the kind of body a unit is, as the district letter addresses
// them: departments, public service units, communes and the town.
type UnitGroup string

// The three groups of the letter.
const (
	GroupDepartment  UnitGroup = "phong-ban"
	GroupServiceUnit UnitGroup = "su-nghiep"
	GroupCommune     UnitGroup = "xa-thi-tran"
)

// UnitGroups lists the groups in the order the letter names them, which is
// also the order of every status list.
var UnitGroups = []UnitGroup{GroupDepartment, GroupServiceUnit, GroupCommune}

// Valid reports whether g is one of the known groups.
func (g UnitGroup) Valid() bool {
	switch g {
	case GroupDepartment, GroupServiceUnit, GroupCommune:
		return true
	}
	return false
}

// Label returns the group's Vietnamese heading as a district's letter
// writes it. An office that names its groups otherwise says so in
// GroupLabels; lists people read take their headings from there.
func (g UnitGroup) Label() string {
	switch g {
	case GroupDepartment:
		return "Phòng, ban chuyên môn"
	case GroupServiceUnit:
		return "Đơn vị sự nghiệp"
	case GroupCommune:
		return "Xã, thị trấn"
	}
	return string(g)
}

// GroupLabels holds the office's own headings for the unit groups, by
// group. The ids stay those of the district letter, because units and
// reports are keyed by them; only what people read changes: a province's
// Sở Nội vụ since the two-level local government of 01/07/2025 calls its
// departments "Sở, ban, ngành" and its communes "Xã, phường". A group
// without an entry, and every group of a nil GroupLabels, keeps Label.
type GroupLabels map[UnitGroup]string

// Of returns g's heading: the office's own, else g.Label().
func (l GroupLabels) Of(g UnitGroup) string {
	if s := l[g]; s != "" {
		return s
	}
	return g.Label()
}

// Unit is a body that owes reports: a department, a public service unit or
// a commune. Units come from the config; one removed from the config is
// retired, never deleted, so its history stays.
type Unit struct {
	Code      string // short, stable: "xa-chau-loc"
	Name      string // "UBND xã Châu Lộc"
	Group     UnitGroup
	HeadTitle string // who answers for it: "Chủ tịch UBND xã"
	Order     int    // position in the config, the office's own order
	Retired   bool
	RetiredAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// UserID identifies a person on one chat network, as "<channel>:<id>"
// ("telegram:123456789"), so that the core never depends on one network.
type UserID string

// The channel names of the chat networks.
const (
	ChannelTelegram = "telegram"
	ChannelZalo     = "zalo" // followers of the office's Zalo Official Account
)

// NewUserID returns the UserID of id on channel.
func NewUserID(channel, id string) UserID { return UserID(channel + ":" + id) }

// TelegramUser returns the UserID of a Telegram user id.
func TelegramUser(id int64) UserID {
	return NewUserID(ChannelTelegram, strconv.FormatInt(id, 10))
}

// ZaloUser returns the UserID of a Zalo follower of the Official Account,
// by the id Zalo gives the user for this OA.
func ZaloUser(id string) UserID { return NewUserID(ChannelZalo, id) }

// Channel returns the chat network part of u.
func (u UserID) Channel() string {
	c, _, _ := strings.Cut(string(u), ":")
	return c
}

// Local returns the network's own id part of u.
func (u UserID) Local() string {
	_, id, _ := strings.Cut(string(u), ":")
	return id
}

// TelegramID returns u's Telegram id, or false if u is not a Telegram user.
func (u UserID) TelegramID() (int64, bool) {
	if u.Channel() != ChannelTelegram {
		return 0, false
	}
	id, err := strconv.ParseInt(u.Local(), 10, 64)
	return id, err == nil
}

// Member is a person who speaks for a unit in chat: its head, a deputy or
// the CCHC focal officer. A unit may have several.
type Member struct {
	User      UserID
	UnitCode  string
	Name      string // as the chat network shows it
	Username  string
	JoinedAt  time.Time
	InvitedBy string

	// Unreachable is set when the network refuses messages to the member
	// (the bot was blocked, the account was deleted); cleared when they
	// write to the bot again.
	Unreachable       bool
	UnreachableAt     time.Time
	UnreachableReason string

	// Head marks the unit's head (thủ trưởng): when the unit has other
	// members, reminders go to them and the head hears from the escalation
	// ladder's first rung.
	Head bool
	// Person, when set, is the account this one was linked to: the same
	// person on another network (their Telegram account and their Zalo
	// account). A person is reminded once, on one of their accounts.
	Person UserID
}

// PersonKey names the person behind the account: the account they linked
// it to, or the account itself.
func (m Member) PersonKey() UserID {
	if m.Person != "" {
		return m.Person
	}
	return m.User
}

// Admin is a member of phòng Nội vụ staff: may see every unit and run the
// office's commands. Admins come from the config or from an admin invite.
type Admin struct {
	User       UserID
	Name       string
	FromConfig bool
	AddedAt    time.Time
}
