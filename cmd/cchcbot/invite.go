package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"cchcbot"
)

// InviteCommand creates a single-use invite for a unit or an admin.
type InviteCommand struct {
	Stdout io.Writer
}

// Run creates the invite, in this process or in the running bot.
func (c *InviteCommand) Run(ctx context.Context, args []string) error {
	path, rest, err := splitConfig(args)
	if err != nil {
		return err
	}
	return runStaff(ctx, "invite", path, rest, c.Stdout)
}

// Usage prints the command's help.
func (c *InviteCommand) Usage() {
	fmt.Fprint(c.Stdout, `Usage: cchcbot invite [-config FILE] [-ttl DURATION] UNIT_CODE
       cchcbot invite [-config FILE] [-ttl DURATION] --admin NAME

Creates a single-use invite and prints its code and its link
(https://t.me/<bot>?start=<code>). Give the link to one member of the unit
(or to the phòng Nội vụ officer): opening it joins them. The code is shown
here only, never logged; the store keeps its hash. "cchcbot check -units"
lists the unit codes.

Works with the bot stopped or running.

Options:
`+configUsage+`  -ttl DURATION   how long the invite stays valid (default 168h, 7 days;
                  at most 2160h)
  --admin NAME    invite a phòng Nội vụ admin instead of a unit member
`+envUsage)
}

// inviteHandler creates a single-use invite and prints its link. The code
// goes to the staff member's terminal only; the store keeps its hash.
func inviteHandler(ctx context.Context, env *Env, args []string, stdout io.Writer) error {
	fs := newFlagSet("invite")
	admin := fs.String("admin", "", "invite a phòng Nội vụ admin with this name")
	ttl := fs.Duration("ttl", 7*24*time.Hour, "how long the invite stays valid")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *ttl < time.Minute || *ttl > 90*24*time.Hour {
		return usageError("-ttl must be between 1m and 2160h (90 days)")
	}
	now := env.Clock.Now().In(env.Config().Location())
	inv := cchcbot.Invite{CreatedBy: "cli", CreatedAt: now, ExpiresAt: now.Add(*ttl)}
	var who string
	switch {
	case strings.TrimSpace(*admin) != "" && len(pos) == 0:
		inv.Admin, inv.AdminName = true, strings.TrimSpace(*admin)
		who = "cán bộ quản trị " + inv.AdminName
	case *admin == "" && len(pos) == 1:
		u, err := env.DB.Unit(ctx, pos[0])
		if cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND || err == nil && u.Retired {
			return usageError("không có đơn vị mã %q; danh sách mã đơn vị: cchcbot check -units", pos[0])
		} else if err != nil {
			return err
		}
		inv.UnitCode = u.Code
		who = u.Name
	default:
		return usageError("usage: cchcbot invite UNIT_CODE | cchcbot invite --admin NAME")
	}
	code, hash, err := cchcbot.NewInviteCode(nil)
	if err != nil {
		return err
	}
	inv.Hash = hash
	if err := env.DB.CreateInvite(ctx, inv); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Mã mời cho %s (dùng một lần, hết hạn %s):\n", who, inv.ExpiresAt.Format("02/01/2006 15:04"))
	fmt.Fprintf(stdout, "  Mã:         %s\n", code)
	fmt.Fprintf(stdout, "  Đường link: %s\n", env.Config().InviteLink(code))
	return nil
}
