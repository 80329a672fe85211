package export_test

import (
	"bytes"
	"strconv"
	"strings"
)

// pdfLexer reads PDF tokens and values: numbers (float64), strings
// ([]byte), names, keywords, arrays ([]any), dictionaries and references.
type pdfLexer struct {
	b    []byte
	i    int
	refs bool // whether "3 0 R" is a reference: not in a content stream or a CMap
}

func isPDFSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isPDFDelim(c byte) bool { return strings.IndexByte("()<>[]{}/%", c) >= 0 }

func (lx *pdfLexer) skipSpace() {
	for lx.i < len(lx.b) {
		c := lx.b[lx.i]
		if c == '%' {
			for lx.i < len(lx.b) && lx.b[lx.i] != '\n' && lx.b[lx.i] != '\r' {
				lx.i++
			}
			continue
		}
		if !isPDFSpace(c) {
			return
		}
		lx.i++
	}
}

// next returns the next token; "[", "]", "<<" and ">>" come back as
// keywords. nil at the end.
func (lx *pdfLexer) next() any {
	lx.skipSpace()
	if lx.i >= len(lx.b) {
		return nil
	}
	c := lx.b[lx.i]
	switch {
	case c == '(':
		return lx.literal()
	case c == '<' && lx.i+1 < len(lx.b) && lx.b[lx.i+1] == '<', c == '>' && lx.i+1 < len(lx.b) && lx.b[lx.i+1] == '>':
		lx.i += 2
		return pdfKeyword(string([]byte{c, c}))
	case c == '<':
		return lx.hex()
	case c == '[', c == ']', c == '{', c == '}', c == ')', c == '>':
		lx.i++
		return pdfKeyword(string(c))
	case c == '/':
		lx.i++
		start := lx.i
		for lx.i < len(lx.b) && !isPDFSpace(lx.b[lx.i]) && !isPDFDelim(lx.b[lx.i]) {
			lx.i++
		}
		return pdfName(unescapeName(string(lx.b[start:lx.i])))
	}
	start := lx.i
	for lx.i < len(lx.b) && !isPDFSpace(lx.b[lx.i]) && !isPDFDelim(lx.b[lx.i]) {
		lx.i++
	}
	word := string(lx.b[start:lx.i])
	if n, err := strconv.ParseFloat(word, 64); err == nil {
		return n
	}
	switch word {
	case "true":
		return true
	case "false":
		return false
	}
	return pdfKeyword(word)
}

// value reads one value: an array, a dictionary, a reference ("3 0 R")
// or a single token.
func (lx *pdfLexer) value() any {
	tok := lx.next()
	switch tok {
	case pdfKeyword("["):
		arr := []any{}
		for {
			save := lx.i
			if t := lx.next(); t == pdfKeyword("]") || t == nil {
				return arr
			}
			lx.i = save
			arr = append(arr, lx.value())
		}
	case pdfKeyword("<<"):
		d := pdfDict{}
		for {
			k := lx.next()
			name, ok := k.(pdfName)
			if !ok {
				return d // ">>" or the end
			}
			d[string(name)] = lx.value()
		}
	}
	if n, ok := tok.(float64); ok && lx.refs && n == float64(int(n)) {
		save := lx.i
		if g, ok := lx.next().(float64); ok {
			if kw, _ := lx.next().(pdfKeyword); kw == "R" {
				return pdfRef{int(n), int(g)}
			}
		}
		lx.i = save
	}
	return tok
}

// skipToStream moves past the "stream" keyword and its end of line, if
// it comes next.
func (lx *pdfLexer) skipToStream() bool {
	lx.skipSpace()
	if !bytes.HasPrefix(lx.b[lx.i:], []byte("stream")) {
		return false
	}
	lx.i += len("stream")
	if lx.i < len(lx.b) && lx.b[lx.i] == '\r' {
		lx.i++
	}
	if lx.i < len(lx.b) && lx.b[lx.i] == '\n' {
		lx.i++
	}
	return true
}

// skipInlineImage skips an inline image's data, up to EI.
func (lx *pdfLexer) skipInlineImage() {
	if j := bytes.Index(lx.b[lx.i:], []byte(" ID")); j >= 0 {
		lx.i += j + 3
	}
	if j := bytes.Index(lx.b[lx.i:], []byte("EI")); j >= 0 {
		lx.i += j + 2
	} else {
		lx.i = len(lx.b)
	}
}

func (lx *pdfLexer) literal() []byte {
	lx.i++ // (
	var out []byte
	depth := 1
	for lx.i < len(lx.b) {
		c := lx.b[lx.i]
		lx.i++
		switch c {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return out
			}
		case '\\':
			if lx.i >= len(lx.b) {
				return out
			}
			e := lx.b[lx.i]
			lx.i++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r', '\n':
				if e == '\r' && lx.i < len(lx.b) && lx.b[lx.i] == '\n' {
					lx.i++
				}
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && lx.i < len(lx.b) && lx.b[lx.i] >= '0' && lx.b[lx.i] <= '7'; k++ {
						v = v*8 + int(lx.b[lx.i]-'0')
						lx.i++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func (lx *pdfLexer) hex() []byte {
	lx.i++ // <
	var digits []byte
	for lx.i < len(lx.b) && lx.b[lx.i] != '>' {
		if c := lx.b[lx.i]; !isPDFSpace(c) {
			digits = append(digits, c)
		}
		lx.i++
	}
	lx.i++ // >
	if len(digits)%2 == 1 {
		digits = append(digits, '0')
	}
	out := make([]byte, len(digits)/2)
	for i := range out {
		v, _ := strconv.ParseUint(string(digits[2*i:2*i+2]), 16, 8)
		out[i] = byte(v)
	}
	return out
}

func unescapeName(s string) string {
	if !strings.Contains(s, "#") {
		return s
	}
	var out strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				out.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		out.WriteByte(s[i])
	}
	return out.String()
}
