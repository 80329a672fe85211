package export_test

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
)

// This file reads a PDF just far enough to check a printout: the pages in
// order, each page's size and the text drawn on it. It is enough for what
// LibreOffice writes (a classic cross-reference table, Flate streams,
// fonts with a ToUnicode map) and says so when it meets anything else,
// rather than guessing: the printing test then fails instead of passing
// on text it could not read. No PDF library is in go.mod, and poppler's
// pdftotext is not installed on CI.

// pdfPage is one printed page.
type pdfPage struct {
	Width, Height float64 // in points, from the MediaBox
	Text          string  // every string shown, text objects separated by newlines
	// Runs are the strings shown, each with the size of its font as the
	// page draws it: LibreOffice writes a scaled sheet's text at its
	// printed size, with no scaling matrix around it.
	Runs []pdfRun
}

// pdfRun is one string shown on a page.
type pdfRun struct {
	Text string
	Size float64 // in points
}

type pdfRef struct{ num, gen int }

type pdfDict map[string]any

type pdfStream struct {
	dict pdfDict
	raw  []byte
}

type pdfName string

type pdfKeyword string

// pdfFile is an opened PDF: its bytes and where each object starts.
type pdfFile struct {
	data    []byte
	offsets map[int]int
	cache   map[int]any
}

// readPDF returns the pages of the PDF in b, in reading order.
func readPDF(b []byte) ([]pdfPage, error) {
	f := &pdfFile{data: b, offsets: map[int]int{}, cache: map[int]any{}}
	trailer, err := f.readXref()
	if err != nil {
		return nil, err
	}
	root, ok := f.resolve(trailer["Root"]).(pdfDict)
	if !ok {
		return nil, errors.New("pdf: no document catalog")
	}
	var pages []pdfPage
	if err := f.walkPages(f.resolve(root["Pages"]), pdfDict{}, &pages, 0); err != nil {
		return nil, err
	}
	if tree, ok := f.resolve(root["Pages"]).(pdfDict); ok {
		if n, _ := tree["Count"].(float64); int(n) != len(pages) {
			return nil, fmt.Errorf("pdf: the page tree counts %v pages, %d found", tree["Count"], len(pages))
		}
	}
	return pages, nil
}

// readXref reads the cross-reference table that startxref points at and
// returns the trailer dictionary.
func (f *pdfFile) readXref() (pdfDict, error) {
	i := bytes.LastIndex(f.data, []byte("startxref"))
	if i < 0 {
		return nil, errors.New("pdf: no startxref")
	}
	lx := &pdfLexer{b: f.data, i: i + len("startxref")}
	off, ok := lx.next().(float64)
	if !ok || int(off) >= len(f.data) {
		return nil, errors.New("pdf: bad startxref")
	}
	lx = &pdfLexer{b: f.data, i: int(off)}
	if kw, _ := lx.next().(pdfKeyword); kw != "xref" {
		return nil, errors.New("pdf: a cross-reference stream, not a table; this reader does not handle those")
	}
	for {
		tok := lx.next()
		if kw, ok := tok.(pdfKeyword); ok && kw == "trailer" {
			break
		}
		first, ok1 := tok.(float64)
		count, ok2 := lx.next().(float64)
		if !ok1 || !ok2 {
			return nil, errors.New("pdf: bad cross-reference subsection")
		}
		for n := range int(count) {
			offset, _ := lx.next().(float64)
			lx.next() // generation
			if kw, _ := lx.next().(pdfKeyword); kw == "n" {
				f.offsets[int(first)+n] = int(offset)
			}
		}
	}
	lx.refs = true
	trailer, ok := lx.value().(pdfDict)
	if !ok {
		return nil, errors.New("pdf: no trailer")
	}
	if _, ok := trailer["Prev"]; ok {
		return nil, errors.New("pdf: incremental updates; this reader does not handle those")
	}
	return trailer, nil
}

// object returns indirect object num: a value or a *pdfStream.
func (f *pdfFile) object(num int) any {
	if v, ok := f.cache[num]; ok {
		return v
	}
	off, ok := f.offsets[num]
	if !ok {
		return nil
	}
	lx := &pdfLexer{b: f.data, i: off, refs: true}
	lx.next() // number
	lx.next() // generation
	if kw, _ := lx.next().(pdfKeyword); kw != "obj" {
		return nil
	}
	v := lx.value()
	if d, ok := v.(pdfDict); ok && lx.skipToStream() {
		n, _ := f.resolve(d["Length"]).(float64)
		end := min(lx.i+int(n), len(f.data))
		v = &pdfStream{dict: d, raw: f.data[lx.i:end]}
	}
	f.cache[num] = v
	return v
}

// resolve follows a reference; anything else is returned as it is.
func (f *pdfFile) resolve(v any) any {
	for range 32 {
		r, ok := v.(pdfRef)
		if !ok {
			return v
		}
		v = f.object(r.num)
	}
	return nil
}

// decode returns a stream's content, inflated.
func (f *pdfFile) decode(v any) ([]byte, error) {
	s, ok := f.resolve(v).(*pdfStream)
	if !ok {
		return nil, errors.New("pdf: not a stream")
	}
	var filters []any
	switch fl := f.resolve(s.dict["Filter"]).(type) {
	case nil:
		return s.raw, nil
	case pdfName:
		filters = []any{fl}
	case []any:
		filters = fl
	}
	data := s.raw
	for _, fl := range filters {
		if fl != pdfName("FlateDecode") || s.dict["DecodeParms"] != nil {
			return nil, fmt.Errorf("pdf: stream filter %v %v not handled", fl, s.dict["DecodeParms"])
		}
		r, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		if data, err = io.ReadAll(r); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// walkPages appends the pages under node, passing down the attributes a
// page inherits from its parents.
func (f *pdfFile) walkPages(node any, inherited pdfDict, pages *[]pdfPage, depth int) error {
	d, ok := node.(pdfDict)
	if !ok || depth > 32 {
		return errors.New("pdf: bad page tree")
	}
	attrs := pdfDict{}
	for k, v := range inherited {
		attrs[k] = v
	}
	for _, k := range []string{"Resources", "MediaBox"} {
		if v, ok := d[k]; ok {
			attrs[k] = v
		}
	}
	if d["Type"] == pdfName("Pages") {
		kids, _ := f.resolve(d["Kids"]).([]any)
		for _, k := range kids {
			if err := f.walkPages(f.resolve(k), attrs, pages, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	box, _ := f.resolve(attrs["MediaBox"]).([]any)
	if len(box) != 4 {
		return errors.New("pdf: page without a MediaBox")
	}
	var c [4]float64
	for i, v := range box {
		c[i], _ = f.resolve(v).(float64)
	}
	text, runs, err := f.pageText(d, attrs)
	if err != nil {
		return fmt.Errorf("page %d: %w", len(*pages)+1, err)
	}
	*pages = append(*pages, pdfPage{Width: c[2] - c[0], Height: c[3] - c[1], Text: text, Runs: runs})
	return nil
}

// pageText runs a page's content and collects the strings it shows,
// decoded through each font's ToUnicode map, with their font sizes. It
// refuses a page that scales its text with a matrix (cm, Tm), which it
// does not follow: the sizes would be wrong.
func (f *pdfFile) pageText(page, attrs pdfDict) (string, []pdfRun, error) {
	var content []byte
	switch c := f.resolve(page["Contents"]).(type) {
	case *pdfStream:
		b, err := f.decode(c)
		if err != nil {
			return "", nil, err
		}
		content = b
	case []any:
		for _, part := range c {
			b, err := f.decode(part)
			if err != nil {
				return "", nil, err
			}
			content = append(append(content, b...), '\n')
		}
	}
	res, _ := f.resolve(attrs["Resources"]).(pdfDict)
	fonts, _ := f.resolve(res["Font"]).(pdfDict)
	cmaps := map[string]*toUnicode{}
	var font *toUnicode
	var size float64
	var runs []pdfRun
	broken := false // a text object or a line ended since the last run
	var out strings.Builder
	var operands []any
	lx := &pdfLexer{b: content}
	for {
		tok := lx.value()
		if tok == nil {
			break
		}
		op, isOp := tok.(pdfKeyword)
		if !isOp {
			operands = append(operands, tok)
			continue
		}
		show := func(v any) error {
			s, ok := v.([]byte)
			if !ok {
				return nil
			}
			if font == nil {
				return errors.New("pdf: text shown without a font")
			}
			t := font.decode(s)
			out.WriteString(t)
			if n := len(runs); n > 0 && !broken && runs[n-1].Size == size {
				runs[n-1].Text += t
			} else {
				runs = append(runs, pdfRun{Text: t, Size: size})
			}
			broken = false
			return nil
		}
		var err error
		switch op {
		case "BI":
			lx.skipInlineImage()
		case "BT", "ET", "Td", "TD", "T*":
			out.WriteByte('\n')
			broken = true
		case "Tm", "cm":
			if len(operands) >= 6 {
				a, _ := operands[len(operands)-6].(float64)
				d, _ := operands[len(operands)-3].(float64)
				if a != 1 || d != 1 {
					return "", nil, fmt.Errorf("pdf: a %s matrix scales the text (%v); this reader does not follow it", op, operands[len(operands)-6:])
				}
			}
			out.WriteByte('\n')
			broken = true
		case "Tf":
			if len(operands) >= 2 {
				size, _ = operands[len(operands)-1].(float64)
				name, _ := operands[len(operands)-2].(pdfName)
				if cmaps[string(name)] == nil {
					if cmaps[string(name)], err = f.fontMap(fonts[string(name)]); err != nil {
						return "", nil, fmt.Errorf("font %s: %w", name, err)
					}
				}
				font = cmaps[string(name)]
			}
		case "Tj", "'", "\"":
			if len(operands) > 0 {
				err = show(operands[len(operands)-1])
			}
		case "TJ":
			if len(operands) > 0 {
				parts, _ := operands[len(operands)-1].([]any)
				for _, p := range parts {
					if err = show(p); err != nil {
						break
					}
				}
			}
		}
		if err != nil {
			return "", nil, err
		}
		operands = operands[:0]
	}
	return out.String(), runs, nil
}

// toUnicode maps a font's character codes to text.
type toUnicode struct {
	width int // bytes per code
	codes map[uint32]string
}

func (m *toUnicode) decode(s []byte) string {
	var out strings.Builder
	for i := 0; i+m.width <= len(s); i += m.width {
		var code uint32
		for _, b := range s[i : i+m.width] {
			code = code<<8 | uint32(b)
		}
		if t, ok := m.codes[code]; ok {
			out.WriteString(t)
		} else {
			out.WriteRune('\uFFFD')
		}
	}
	return out.String()
}

// fontMap reads a font's ToUnicode CMap: its code space, bfchar and
// bfrange entries.
func (f *pdfFile) fontMap(font any) (*toUnicode, error) {
	d, ok := f.resolve(font).(pdfDict)
	if !ok {
		return nil, errors.New("no such font")
	}
	if d["ToUnicode"] == nil {
		return nil, errors.New("no ToUnicode map: its text cannot be read")
	}
	b, err := f.decode(d["ToUnicode"])
	if err != nil {
		return nil, err
	}
	m := &toUnicode{width: 1, codes: map[uint32]string{}}
	lx := &pdfLexer{b: b}
	var prev []any
	code := func(v any) uint32 {
		s, _ := v.([]byte)
		var c uint32
		for _, x := range s {
			c = c<<8 | uint32(x)
		}
		return c
	}
	text := func(v any) string {
		s, _ := v.([]byte)
		var units []uint16
		for i := 0; i+1 < len(s); i += 2 {
			units = append(units, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return string(utf16.Decode(units))
	}
	for {
		tok := lx.value()
		if tok == nil {
			break
		}
		kw, ok := tok.(pdfKeyword)
		if !ok {
			prev = append(prev, tok)
			continue
		}
		switch kw {
		case "endcodespacerange":
			if len(prev) >= 2 {
				lo, _ := prev[0].([]byte)
				m.width = max(1, len(lo))
			}
		case "endbfchar":
			for i := 0; i+1 < len(prev); i += 2 {
				m.codes[code(prev[i])] = text(prev[i+1])
			}
		case "endbfrange":
			for i := 0; i+2 < len(prev); i += 3 {
				lo, hi := code(prev[i]), code(prev[i+1])
				if hi < lo || hi-lo > 1<<16 {
					return nil, errors.New("bad bfrange")
				}
				switch dst := prev[i+2].(type) {
				case []byte:
					base := []rune(text(dst))
					for c := lo; c <= hi && len(base) > 0; c++ {
						r := append([]rune(nil), base...)
						r[len(r)-1] += rune(c - lo)
						m.codes[c] = string(r)
					}
				case []any:
					for j, t := range dst {
						m.codes[lo+uint32(j)] = text(t)
					}
				}
			}
		}
		prev = prev[:0]
	}
	return m, nil
}
