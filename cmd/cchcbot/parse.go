package main

import (
	"strings"

	"cchcbot"
)

// parseDateArg reads a date typed on the command line: dd/mm/yyyy, as
// every command prints dates, or yyyy-mm-dd.
func parseDateArg(s string) (cchcbot.Date, error) {
	s = strings.TrimSpace(s)
	var d cchcbot.Date
	var err error
	if strings.Contains(s, "/") {
		d, err = cchcbot.ParseDMY(s)
	} else {
		d, err = cchcbot.ParseDate(s)
	}
	if err != nil {
		return cchcbot.Date{}, cchcbot.Errorf(cchcbot.EINVALID,
			"Ngày %q không hợp lệ: xin ghi dạng dd/mm/yyyy (ví dụ 15/02/2024) hoặc yyyy-mm-dd (2024-02-15).", s)
	}
	return d, nil
}
