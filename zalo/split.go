package zalo

// MaxMessageLength is Zalo's limit on a text message: 2,000 characters.
// They are counted here in UTF-16 code units, which is never fewer than
// characters, so a part is within the limit however Zalo counts.
const MaxMessageLength = 2000
