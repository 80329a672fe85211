package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"cchcbot"
)

// The charts are SVG written by the server into the page: no script, no
// outside service, and they print. Geometry is in attributes, colours in
// the style sheet's classes (the CSP allows no inline style).

// rateChart is the on-time rate of each period of a year, over all units
// and per group: on time (reviewed or not) over the units that owe it,
// for the periods whose deadline has passed.
type rateChart struct {
	periods []cchcbot.Period
	now     time.Time
	labels  cchcbot.GroupLabels
	all     []tally
	groups  map[cchcbot.UnitGroup][]tally
}

type tally struct{ owed, onTime int }

func newRateChart(periods []cchcbot.Period, now time.Time, labels cchcbot.GroupLabels) *rateChart {
	c := &rateChart{periods: periods, now: now, labels: labels, all: make([]tally, len(periods)), groups: map[cchcbot.UnitGroup][]tally{}}
	for _, g := range cchcbot.UnitGroups {
		c.groups[g] = make([]tally, len(periods))
	}
	return c
}

// add counts one unit's cell of column i.
func (c *rateChart) add(i int, g cchcbot.UnitGroup, st cellState, latest *cchcbot.Submission) {
	if !st.owed() || !c.now.After(c.periods[i].Deadline) {
		return
	}
	on := 0
	if st.onTime(latest) {
		on = 1
	}
	c.all[i].owed++
	c.all[i].onTime += on
	if t, ok := c.groups[g]; ok {
		t[i].owed++
		t[i].onTime += on
	}
}

// Chart geometry, in the viewBox's units.
const (
	chartW, chartH  = 760, 280
	padL, padR      = 48, 16
	padT, padB      = 16, 56
	plotW, plotH    = chartW - padL - padR, chartH - padT - padB
	histW, histH    = 760, 240
	histPadB        = 48
	histPlotH       = histH - padT - histPadB
	histBins        = 15 // 7 days before or more, … the due day, … 7 days after or more
	histBinsEachWay = histBins / 2
)

// svg draws the lines: overall, then each group.
func (c *rateChart) svg() template.HTML {
	n := len(c.periods)
	if n == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="rate-title"><title id="rate-title">Tỷ lệ nộp đúng hạn theo kỳ báo cáo</title>`, chartW, chartH)
	for pct := 0; pct <= 100; pct += 25 {
		y := padT + plotH - plotH*pct/100
		fmt.Fprintf(&b, `<line class="grid" x1="%d" y1="%d" x2="%d" y2="%d"/><text class="axis" x="%d" y="%d" text-anchor="end">%d%%</text>`,
			padL, y, padL+plotW, y, padL-6, y+4, pct)
	}
	x := func(i int) int { return padL + plotW*(2*i+1)/(2*n) }
	for i, p := range c.periods {
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%d" text-anchor="middle">%s</text>`, x(i), padT+plotH+18, esc(shortLabel(p)))
	}
	series := []struct {
		class, name string
		t           []tally
	}{{"s-all", "Tất cả đơn vị", c.all}}
	for _, g := range cchcbot.UnitGroups {
		series = append(series, struct {
			class, name string
			t           []tally
		}{"s-" + string(g), c.labels.Of(g), c.groups[g]})
	}
	for _, s := range series {
		var pts []string
		var dots strings.Builder
		for i, t := range s.t {
			if t.owed == 0 {
				continue
			}
			y := padT + plotH - plotH*t.onTime/t.owed
			pts = append(pts, fmt.Sprintf("%d,%d", x(i), y))
			fmt.Fprintf(&dots, `<circle class="dot %s" cx="%d" cy="%d" r="4"><title>%s – %s: %s đúng hạn (%d/%d)</title></circle>`,
				s.class, x(i), y, esc(c.periods[i].Label), esc(s.name), percent(t.onTime, t.owed), t.onTime, t.owed)
		}
		if len(pts) > 1 {
			fmt.Fprintf(&b, `<polyline class="line %s" points="%s"/>`, s.class, strings.Join(pts, " "))
		}
		b.WriteString(dots.String())
	}
	// The legend, under the axis.
	for i, s := range series {
		lx := padL + i*(plotW/len(series))
		fmt.Fprintf(&b, `<rect class="key %s" x="%d" y="%d" width="14" height="4"/><text class="axis" x="%d" y="%d">%s</text>`,
			s.class, lx, chartH-14, lx+20, chartH-9, esc(s.name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// histogram is how many days before or after the deadline units' latest
// versions of a period came: bars from "7 days before or more" to "7 days
// after or more", the due day in the middle.
func histogram(p cchcbot.Period, latest []*cchcbot.Submission) template.HTML {
	var bins [histBins]int
	for _, l := range latest {
		if l == nil {
			continue
		}
		d := l.DaysLate
		if d == 0 {
			d = -p.DaysLeft(l.SubmittedAt)
		}
		d = min(max(d, -histBinsEachWay), histBinsEachWay)
		bins[d+histBinsEachWay]++
	}
	top := 1
	for _, n := range bins {
		top = max(top, n)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="hist-title"><title id="hist-title">Số đơn vị nộp báo cáo theo số ngày trước và sau hạn nộp</title>`, histW, histH)
	slot := plotW / histBins
	for i, n := range bins {
		d := i - histBinsEachWay
		h := histPlotH * n / top
		x := padL + i*slot
		class := "bar-before"
		switch {
		case d == 0:
			class = "bar-due"
		case d > 0:
			class = "bar-after"
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%d" width="%d" height="%d"><title>%s: %d đơn vị</title></rect>`,
			class, x+4, padT+histPlotH-h, slot-8, h, esc(dayLabel(d, true)), n)
		if n > 0 {
			fmt.Fprintf(&b, `<text class="count" x="%d" y="%d" text-anchor="middle">%d</text>`, x+slot/2, padT+histPlotH-h-4, n)
		}
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%d" text-anchor="middle">%s</text>`, x+slot/2, padT+histPlotH+16, esc(dayLabel(d, false)))
	}
	fmt.Fprintf(&b, `<line class="grid" x1="%d" y1="%d" x2="%d" y2="%d"/>`, padL, padT+histPlotH, padL+plotW, padT+histPlotH)
	fmt.Fprintf(&b, `<text class="axis" x="%d" y="%d" text-anchor="start">← trước hạn</text><text class="axis" x="%d" y="%d" text-anchor="end">sau hạn →</text>`,
		padL, histH-8, padL+plotW, histH-8)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// dayLabel names a histogram bin: "-3", "Hạn", "+7…" short; "3 ngày
// trước hạn" long.
func dayLabel(d int, long bool) string {
	edge := d == -histBinsEachWay || d == histBinsEachWay
	switch {
	case d == 0 && long:
		return "Đúng ngày hạn nộp"
	case d == 0:
		return "Hạn"
	case long && d < 0 && edge:
		return fmt.Sprintf("Từ %d ngày trước hạn trở lên", -d)
	case long && d < 0:
		return fmt.Sprintf("%d ngày trước hạn", -d)
	case long && edge:
		return fmt.Sprintf("Trễ từ %d ngày trở lên", d)
	case long:
		return fmt.Sprintf("Trễ %d ngày", d)
	case edge && d < 0:
		return fmt.Sprintf("≤%d", d)
	case edge:
		return fmt.Sprintf("≥+%d", d)
	case d > 0:
		return fmt.Sprintf("+%d", d)
	}
	return fmt.Sprint(d)
}

// shortLabel names a period on an axis: "02/2026", or the year.
func shortLabel(p cchcbot.Period) string {
	if _, key, ok := cchcbot.SplitPeriodID(p.ID); ok && len(key) == 7 {
		return key[5:] + "/" + key[:4]
	}
	return fmt.Sprint(p.NominalDue.Year)
}

// percent writes a share as Vietnamese do: "87,5%".
func percent(n, of int) string {
	if of == 0 {
		return "—"
	}
	s := fmt.Sprintf("%.1f", 100*float64(n)/float64(of))
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1) + "%"
}

func esc(s string) string { return template.HTMLEscapeString(s) }
