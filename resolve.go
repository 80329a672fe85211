package cchcbot

import (
	"strconv"
	"strings"
	"time"
)

// ResolvePeriod finds the period a person means: a full id
// ("bao-cao-thang/2024-02"), a month of the monthly kind ("2024-02",
// "02/2024", "2/2024"), a year of a yearly or one-off kind ("2024"), or,
// when query is empty, the default: the open period nearest its deadline,
// else the latest period already due.
func (c *Calendar) ResolvePeriod(query string, now time.Time) (Period, error) {
	q := strings.TrimSpace(query)
	if q == "" {
		return c.DefaultPeriod(now)
	}
	if strings.Contains(q, "/") && !isDigits(strings.ReplaceAll(q, "/", "")) {
		return c.Period(q)
	}
	// A one-off kind by its id alone: an ad-hoc request's code
	// ("dot-xuat-3"), the remediation plan's.
	if k, ok := c.Kind(strings.ToLower(q)); ok && k.Schedule.Kind == ScheduleOnce {
		return c.Period(k.ID + "/" + strconv.Itoa(k.Schedule.Date.Year))
	}
	var key string
	if m, y, ok := strings.Cut(q, "/"); ok { // mm/yyyy
		if len(m) == 1 {
			m = "0" + m
		}
		key = y + "-" + m
	} else {
		key = q
	}
	// A bare key is tried against every kind in the config's order: "2024"
	// finds the first yearly or one-off kind, "2024-02" the monthly one,
	// "2024-Q1" the quarterly one; each kind's Period refuses the keys of
	// the others.
	for _, k := range c.Kinds {
		if p, err := c.Period(k.ID + "/" + key); err == nil {
			return p, nil
		}
	}
	return Period{}, Errorf(ENOTFOUND, "Không tìm thấy kỳ báo cáo %q. Xin ghi theo dạng 02/2024 hoặc mã kỳ như bao-cao-thang/2024-02.", query)
}

// DefaultPeriod is the period a status question is about when none is
// named: the open one nearest its deadline, else the latest one due.
func (c *Calendar) DefaultPeriod(now time.Time) (Period, error) {
	if open := c.OpenPeriods(now); len(open) > 0 {
		return open[0], nil
	}
	today := DateOf(now.In(c.Location))
	past := c.Periods(today.AddDays(-5*366), today)
	if len(past) > 0 {
		return past[len(past)-1], nil
	}
	if next := c.Periods(today, today.AddDays(2*366)); len(next) > 0 {
		return next[0], nil
	}
	return Period{}, Errorf(ENOTFOUND, "Chưa có kỳ báo cáo nào.")
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
