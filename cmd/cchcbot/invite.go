package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"cchcbot"
)

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
	if *ttl <= 0 || *ttl > 90*24*time.Hour {
		return usageError("-ttl must be between 1m and 2160h (90 days)")
	}
	now := env.Clock.Now().In(env.Config().Location())
	inv := cchcbot.Invite{CreatedBy: "cli", CreatedAt: now, ExpiresAt: now.Add(*ttl)}
	var who string
	switch {
	case *admin != "" && len(pos) == 0:
		inv.Admin, inv.AdminName = true, strings.TrimSpace(*admin)
		who = "cán bộ quản trị " + inv.AdminName
	case *admin == "" && len(pos) == 1:
		u, err := env.DB.Unit(ctx, pos[0])
		if err != nil || u.Retired {
			return usageError("không có đơn vị mã %q (xem danh sách mã bằng: cchcbot check -config FILE)", pos[0])
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
	fmt.Fprintf(stdout, "  Mã:        %s\n", code)
	fmt.Fprintf(stdout, "  Đường link: %s\n", env.Config().InviteLink(code))
	return nil
}
