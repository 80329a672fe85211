package cchcbot

import (
	"fmt"
	"strings"
)

// FormatSize writes a size in bytes the way people read it in Vietnamese:
// "512 KB", "20 MB", "2,4 MB", "1,3 GB" (a decimal comma, whole megabytes
// without one). A kilobyte is 1,024 bytes, as Telegram and Zalo count
// their limits.
func FormatSize(n int64) string {
	const kb, mb, gb = 1 << 10, 1 << 20, 1 << 30
	switch {
	case n >= gb:
		return decimalComma(fmt.Sprintf("%.1f GB", float64(n)/gb))
	case n >= mb && n%mb == 0:
		return fmt.Sprintf("%d MB", n/mb)
	case n >= mb:
		return decimalComma(fmt.Sprintf("%.1f MB", float64(n)/mb))
	case n >= kb:
		return fmt.Sprintf("%d KB", n/kb)
	}
	return fmt.Sprintf("%d byte", n)
}

func decimalComma(s string) string { return strings.Replace(s, ".", ",", 1) }
