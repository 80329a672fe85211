package store

import "errors"

// errNoStatfs is freeSpace's answer where the platform cannot tell.
var errNoStatfs = errors.New("free space unknown on this platform")
