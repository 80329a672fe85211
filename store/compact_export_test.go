package store

// OnCompact makes every compaction call hook at each of its stages
// ("copy", "copied", "check", "rename"); an error fails it there.
func (db *DB) OnCompact(hook func(stage string) error) { db.compactHook = hook }

// CompactName is the file a compaction builds in the data directory.
const CompactName = compactName
