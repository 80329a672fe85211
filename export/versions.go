package export

import (
	"context"
	"slices"
	"strings"
	"time"
	"unique"

	"cchcbot"
)

// version is what the detail sheet shows of one submission: the record
// itself, its files and texts included, is several times larger.
type version struct {
	id          uint64
	submittedAt time.Time
	reviewedAt  time.Time
	version     int
	daysLate    int // as recorded, against the period's deadline or the extension of the day
	state       cchcbot.SubmissionState
	explanation string // the reason sent with the version
	reason      string // why it was returned
	submitter   string // the sender's name, else their id
	docNumber   string
	docDate     string // dd/mm/yyyy, "" when none
	files       string // the files' names, one a line, or the note of a version without one
	sums        string // the files' SHA-256, one a line
	reviewer    string
}

// share makes equal strings one: unique keeps a canonical copy while
// anything holds it.
func share(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}

// newVersion keeps of s what the detail sheet shows.
func newVersion(s *cchcbot.Submission) version {
	files := ""
	switch {
	case len(s.Files) == 0 && s.Note != "":
		files = "(không kèm tệp) " + s.Note
	case len(s.Files) == 1:
		files = s.Files[0].Name
	default:
		names := make([]string, len(s.Files))
		for i, fl := range s.Files {
			names[i] = fl.Name
		}
		files = strings.Join(names, "\n")
	}
	sums := ""
	if len(s.Files) == 1 {
		sums = s.Files[0].SHA256
	} else {
		all := make([]string, len(s.Files))
		for i, fl := range s.Files {
			all[i] = fl.SHA256
		}
		sums = strings.Join(all, "\n")
	}
	docDate := ""
	if !s.DocDate.IsZero() {
		docDate = s.DocDate.VN()
	}
	submitter := s.SubmitterName
	if submitter == "" {
		submitter = s.SubmittedBy.Local()
	}
	return version{
		id: s.ID, submittedAt: s.SubmittedAt, reviewedAt: s.ReviewedAt,
		version: s.Version, daysLate: s.DaysLate, state: s.State,
		explanation: s.Explanation, reason: s.Reason, submitter: submitter,
		docNumber: s.DocNumber, docDate: docDate, files: files, sums: sums,
		reviewer: s.ReviewedBy.Local(),
	}
}

// versions are a period's versions as the detail sheet shows them, each
// unit's oldest first. The detail sheet holds two periods' at most (the
// one it writes and the next, read meanwhile), a few megabytes at a
// province's 10,000 units; never a year's.
type versions struct {
	rows  []version
	units []unitVersions // by unit code, as the store's index keeps them
}

// unitVersions is where a unit's versions lie in versions.rows.
type unitVersions struct {
	code       string
	start, end int
}

// add appends a unit's next version; a unit's versions must come
// together, and the units in code order.
func (vs *versions) add(code string, v version) {
	if n := len(vs.units); n == 0 || vs.units[n-1].code != code {
		vs.units = append(vs.units, unitVersions{code: code, start: len(vs.rows)})
	}
	vs.rows = append(vs.rows, v)
	vs.units[len(vs.units)-1].end = len(vs.rows)
}

// of returns the versions of a unit, none when it has none.
func (vs *versions) of(code string) []version {
	i, ok := slices.BinarySearchFunc(vs.units, code, func(u unitVersions, code string) int { return strings.Compare(u.code, code) })
	if !ok {
		return nil
	}
	return vs.rows[vs.units[i].start:vs.units[i].end]
}

// receiptNo is the version's receipt number, as Submission.ReceiptNo.
func (v *version) receiptNo() string {
	s := cchcbot.Submission{ID: v.id, SubmittedAt: v.submittedAt}
	return s.ReceiptNo()
}

// latestOf is the part of the latest version that the status sheets, the
// summary and the tally read (see PeriodData.Versions), its unit's code
// and period's id shared with the unit's and the period's.
func latestOf(s *cchcbot.Submission, periodID, unitCode string) *cchcbot.Submission {
	return &cchcbot.Submission{ID: s.ID, PeriodID: periodID, UnitCode: unitCode, Version: s.Version,
		SubmittedAt: s.SubmittedAt, DaysLate: s.DaysLate, State: cchcbot.SubmissionState(share(string(s.State)))}
}

// periodScanner is a Store that hands a period's records over one by one,
// decoded once and not cached (store.DB): a year's export keeps only
// what it shows of each.
type periodScanner interface {
	EachSubmissionOfPeriod(ctx context.Context, periodID string, fn func(*cchcbot.Submission) error) error
}

// pageReleaser is a Store that can give back the file pages a long read
// left mapped in the process (store.DB): at a province's 10,000 units a
// year's reads left 170 MB of the bbolt file counted in the bot's
// resident memory.
type pageReleaser interface {
	ReleasePages(ctx context.Context) error
}

// releasePages gives back what st's reads mapped, if st can.
func releasePages(ctx context.Context, st Store) error {
	if r, ok := st.(pageReleaser); ok {
		return r.ReleasePages(ctx)
	}
	return nil
}

// eachSubmission calls fn for every version of the period, by unit code
// then version.
func eachSubmission(ctx context.Context, st Store, periodID string, fn func(*cchcbot.Submission) error) error {
	if sc, ok := st.(periodScanner); ok {
		if err := sc.EachSubmissionOfPeriod(ctx, periodID, fn); err != nil {
			return err
		}
		return releasePages(ctx, st)
	}
	subs, err := st.SubmissionsForPeriod(ctx, periodID)
	if err != nil {
		return err
	}
	for _, s := range byUnitOrder(subs) {
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

// readVersions reads a period's versions for a year's export, decoding
// each record once: each unit's latest as latestOf keeps it, and when
// rows is set what the detail sheet shows of every version. codes maps a
// unit's code to the shared string of it.
func readVersions(ctx context.Context, st Store, periodID string, codes map[string]string, rows bool) (*versions, map[string]*cchcbot.Submission, error) {
	vs := &versions{}
	latest := map[string]*cchcbot.Submission{}
	var last *cchcbot.Submission
	code := ""
	err := eachSubmission(ctx, st, periodID, func(s *cchcbot.Submission) error {
		if last != nil && s.UnitCode != last.UnitCode {
			latest[code] = latestOf(last, periodID, code)
		}
		if last == nil || s.UnitCode != last.UnitCode {
			code = s.UnitCode
			if c, ok := codes[code]; ok {
				code = c
			}
		}
		if rows {
			vs.add(code, newVersion(s))
		}
		last = s
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if last != nil {
		latest[code] = latestOf(last, periodID, code)
	}
	return vs, latest, nil
}
