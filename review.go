package cchcbot

// ReviewResult is what a review of a submission did: the chat's buttons
// and commands and the web dashboard all review through one method.
type ReviewResult struct {
	Submission *Submission // the version reviewed, as it stands now
	Unit       Unit
	Period     Period // its Label is the period id when the calendar no longer has it
	// Changed is false when the submission was already in that state:
	// nothing was recorded and nobody was told.
	Changed bool
	// Notified is how many of the unit's members were told.
	Notified int
}
