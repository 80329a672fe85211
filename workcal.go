package cchcbot

import "time"

// WorkCalendar says which days the offices work: weekends, public holidays
// (the Tết break, 30/4–1/5, 2/9, ...) and make-up working days that the
// government swaps in for a bridged holiday. Staff update it every year.
type WorkCalendar struct {
	Weekends    map[time.Weekday]bool
	Holidays    map[Date]string // the holiday's name
	WorkingDays map[Date]string // make-up Saturdays and the like
}

// IsWorkingDay reports whether offices work on d. A make-up day wins over a
// weekend; a holiday wins over a weekday.
func (c *WorkCalendar) IsWorkingDay(d Date) bool {
	if _, ok := c.WorkingDays[d]; ok {
		return true
	}
	if _, ok := c.Holidays[d]; ok {
		return false
	}
	return !c.Weekends[d.Weekday()]
}

// maxNonWorking bounds the search for a working day so a calendar that
// declares every day a holiday cannot loop forever.
const maxNonWorking = 366

// NextWorkingDay returns d if offices work on it, else the first working
// day after it.
func (c *WorkCalendar) NextWorkingDay(d Date) Date {
	for i := 0; i < maxNonWorking && !c.IsWorkingDay(d); i++ {
		d = d.AddDays(1)
	}
	return d
}

// PrevWorkingDay returns d if offices work on it, else the last working day
// before it.
func (c *WorkCalendar) PrevWorkingDay(d Date) Date {
	for i := 0; i < maxNonWorking && !c.IsWorkingDay(d); i++ {
		d = d.AddDays(-1)
	}
	return d
}

// HolidayName returns the name of the holiday on d, if any.
func (c *WorkCalendar) HolidayName(d Date) (string, bool) {
	name, ok := c.Holidays[d]
	return name, ok
}
