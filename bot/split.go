package bot

// MaxMessageLength is Telegram's limit on a message, in UTF-16 code units.
const MaxMessageLength = 4096
