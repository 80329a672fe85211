package export

import (
	"strings"
	"time"

	"cchcbot"
)

// The texts of the decisions on a unit for a period, as the detail sheet
// and the summary text show them.

// extensionText is a unit's extension: the date granted, or where its
// request stands.
func extensionText(e *cchcbot.Extension) string {
	switch {
	case e == nil:
		return ""
	case e.Approved():
		return e.Until.VN()
	case e.State == cchcbot.ExtensionRequested:
		return "Xin đến " + e.Proposed.VN() + " (chờ xét)"
	case e.State == cchcbot.ExtensionRefused:
		return "Không đồng ý (xin đến " + e.Proposed.VN() + ")"
	case e.State == cchcbot.ExtensionWithdrawn && !e.Until.IsZero():
		return "Đã thu hồi (gia hạn đến " + e.Until.VN() + ")"
	}
	return e.State.Label()
}

// exemptionText is the reason a unit was exempt, who decided and when.
func exemptionText(x *cchcbot.Exemption, loc *time.Location) string {
	if x == nil {
		return ""
	}
	who := dateVN(x.At.In(loc))
	if x.ByName != "" {
		who = x.ByName + ", " + who
	}
	return x.Reason + " (" + who + ")"
}

// escalationsText is a unit's escalations, one a line: the rung and the
// day.
func escalationsText(es []cchcbot.Escalation, loc *time.Location) string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = rungName(e.Level) + " " + dateVN(e.At.In(loc))
	}
	return strings.Join(lines, "\n")
}

// rungName is a rung of the escalation ladder in a word or two, for a
// narrow column.
func rungName(l cchcbot.EscalationLevel) string {
	switch l {
	case cchcbot.EscalateHead:
		return "Thủ trưởng"
	case cchcbot.EscalateLeaders:
		return "Lãnh đạo"
	}
	return l.Label()
}

// unitExplanations are the explanations a unit gave for the period
// without a report (/giaitrinh): they concern every row of the unit.
func unitExplanations(xs []cchcbot.Explanation) []cchcbot.Explanation {
	var out []cchcbot.Explanation
	for _, x := range xs {
		if x.SubmissionID == 0 {
			out = append(out, x)
		}
	}
	return out
}

// explanationsText is explanations one a line, each with its day.
func explanationsText(xs []cchcbot.Explanation, loc *time.Location) string {
	lines := make([]string, len(xs))
	for i, x := range xs {
		lines[i] = dateVN(x.At.In(loc)) + ": " + x.Text
	}
	return strings.Join(lines, "\n")
}

// versionExplanation is what explains the version of the given id: the
// reason given with it (own, else the record naming it), then the unit's
// explanations given without a report.
func versionExplanation(own string, id uint64, xs []cchcbot.Explanation, loc *time.Location) string {
	if own == "" {
		for _, x := range xs {
			if x.SubmissionID == id {
				own = x.Text
			}
		}
	}
	rest := explanationsText(unitExplanations(xs), loc)
	switch {
	case own == "":
		return rest
	case rest == "":
		return own
	}
	return own + "\n" + rest
}

// latestExplanation is the last thing the unit said about the period: the
// text of its newest explanation, "" when there is none.
func latestExplanation(us cchcbot.UnitStatus) string {
	if n := len(us.Explanations); n > 0 {
		return us.Explanations[n-1].Text
	}
	return ""
}
