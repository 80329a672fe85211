package main

import (
	"context"
	"fmt"
	"strings"

	"cchcbot"
	"cchcbot/chat"
)

// maxCandidates bounds the units listed for an ambiguous name.
const maxCandidates = 20

// lookupUnit finds the one unit query names among the store's units. No
// match (ENOTFOUND) or several (EINVALID) are usage errors in Vietnamese;
// several are listed with their codes, which always match.
func lookupUnit(ctx context.Context, env *Env, query string) (cchcbot.Unit, error) {
	units, err := env.DB.Units(ctx)
	if err != nil {
		return cchcbot.Unit{}, cchcbot.FileErrorf(err, "Không đọc được danh sách đơn vị")
	}
	found := chat.FindUnits(units, query)
	switch len(found) {
	case 0:
		return cchcbot.Unit{}, &exitError{exitUsage, cchcbot.Errorf(cchcbot.ENOTFOUND,
			"Không tìm thấy đơn vị %q. Xin ghi mã đơn vị (không phân biệt chữ hoa, chữ thường) hoặc tên đơn vị, có dấu hay không dấu, ví dụ: chau loc. Danh sách mã đơn vị: cchcbot check -units", query)}
	case 1:
		return found[0], nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Có %d đơn vị khớp với %q. Xin ghi rõ hơn hoặc dùng mã đơn vị:", len(found), query)
	for i, u := range found {
		if i == maxCandidates {
			fmt.Fprintf(&b, "\n  ... và %d đơn vị khác", len(found)-maxCandidates)
			break
		}
		fmt.Fprintf(&b, "\n  • %s – mã %s", u.Name, u.Code)
	}
	return cchcbot.Unit{}, &exitError{exitUsage, cchcbot.Errorf(cchcbot.EINVALID, "%s", b.String())}
}
