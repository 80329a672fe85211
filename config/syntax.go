package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decodeDocs reads data as parseYAML expects it: the first document, and
// whether a second one follows. A nil root with a nil error is an empty
// file.
func decodeDocs(data []byte) (root, next *yaml.Node, err error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var r yaml.Node
	if err := dec.Decode(&r); errors.Is(err, io.EOF) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	var n yaml.Node
	if err := dec.Decode(&n); errors.Is(err, io.EOF) {
		return &r, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	return &r, &n, nil
}

// syntaxProblem turns the syntax error err that decodeDocs returned for
// data into a problem at the line staff must fix, explained in Vietnamese.
func syntaxProblem(data []byte, err error) Problem {
	reported, msg := splitYAMLError(err.Error())
	ends := lineEnds(data)
	line := faultLine(data, ends, err.Error(), reported)
	if open := openQuote(data, ends, line); open > 0 {
		// A quote left open runs on to the next quote in the file, often
		// lines later, where the text after it no longer makes sense:
		// the line to fix is the one that opened it.
		return Problem{Line: open, Message: fmt.Sprintf("lỗi cú pháp YAML: %s (lỗi lộ ra ở dòng %d)", unclosedQuote, line)}
	}
	return Problem{Line: line, Message: "lỗi cú pháp YAML: " + explainSyntax(msg, lineText(data, line))}
}

// openQuote returns the line of a quoted value still open at the end of
// the line before line, or 0.
func openQuote(data []byte, ends []int, line int) int {
	if line < 2 || line > len(ends) {
		return 0
	}
	_, _, err := decodeDocs(data[:ends[line-2]])
	if err == nil {
		return 0
	}
	// "found unexpected end of stream" is reported at the quote's line
	// (the scanner's context mark, plus one).
	if at, msg := splitYAMLError(err.Error()); msg == "found unexpected end of stream" && at > 0 && at < line {
		return at
	}
	return 0
}

// faultLine returns the line of data that makes it invalid: the first k
// such that the first k lines fail with the very error the whole file
// fails with.
//
// yaml.v3's own "line N" cannot be shown as is. Its parser
// (decode.go, parser.fail) prefers the mark of the construct it was
// reading (the start of the enclosing mapping or list) to the mark of the
// fault, and adds one to libyaml's 0-based line only for scanner errors:
// so a bad indentation inside the 40th unit is reported one line above
// the first unit, and an unclosed "[" one line above it. Neither mark is
// exported, hence the search.
//
// Everything before the fault parses the same way whatever follows it, so
// once the prefix holds the fault it fails exactly as the whole file does
// (the fault's own line and message included); shorter prefixes parse, or
// fail differently where they cut a construct short. The reported line
// never comes after the fault, so the search starts there, gallops and
// bisects: about 2·log2(lines) parses, a second or two for a province's
// 1.2 MB file, and only when the file is broken.
func faultLine(data []byte, ends []int, full string, reported int) int {
	if len(ends) == 0 {
		return 0
	}
	fails := func(k int) bool {
		_, _, err := decodeDocs(data[:ends[k-1]])
		return err != nil && err.Error() == full
	}
	lo := min(max(reported-1, 1), len(ends)) // lowest candidate
	if fails(lo) {
		return lo
	}
	// fails(lo) is false; find hi with fails(hi), then bisect (lo, hi].
	hi, step := lo, 1
	for {
		hi = lo + step
		if hi >= len(ends) {
			hi = len(ends) // the whole file: fails by definition
			break
		}
		if fails(hi) {
			break
		}
		lo, step = hi, step*2
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// lineEnds returns the offset just past each line of data, as an editor
// numbers them (by "\n"; a final line without one counts).
func lineEnds(data []byte) []int {
	var ends []int
	for i, b := range data {
		if b == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		ends = append(ends, len(data))
	}
	return ends
}

// lineText returns line n (1-based) of data, or "".
func lineText(data []byte, n int) string {
	if n < 1 {
		return ""
	}
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return ""
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return string(data)
}

// yamlLine matches the "line N: " that yaml.v3 puts before many messages.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// splitYAMLError splits a yaml.v3 message into its line (0 when it gives
// none) and the libyaml problem.
func splitYAMLError(s string) (int, string) {
	s = strings.TrimPrefix(s, "yaml: ")
	if sm := yamlLine.FindStringSubmatch(s); sm != nil {
		n, _ := strconv.Atoi(sm[1])
		return n, sm[2]
	}
	return 0, s
}

// tabAdvice is the explanation for a tab, the commonest fault of a file
// edited in Notepad: YAML indents with spaces only.
const tabAdvice = "dòng này có ký tự Tab; YAML chỉ cho phép thụt lề bằng dấu cách (phím cách), hãy thay Tab bằng dấu cách sao cho thẳng cột với các dòng cùng cấp"

// syntaxAdvice explains libyaml's problems (scannerc.go, parserc.go,
// readerc.go) in staff's words, by the start of the problem text.
var syntaxAdvice = []struct{ problem, advice string }{
	{"found a tab character", tabAdvice},
	{"mapping values are not allowed in this context",
		"dấu hai chấm \":\" đặt ở chỗ không được phép: dòng này có thể thụt lề sai so với dòng trên, hoặc một giá trị có chứa \": \" cần được đặt trong ngoặc kép \"...\""},
	{"could not find expected ':'",
		"thiếu dấu hai chấm sau tên khóa: mỗi dòng cần dạng \"khóa: giá trị\", có một dấu cách sau dấu hai chấm"},
	{"did not find expected key",
		"thụt lề không đúng hoặc có nội dung thừa: các khóa cùng cấp phải thẳng cột với nhau (chỉ dùng dấu cách); sau một giá trị trong ngoặc kép, hoặc sau dấu đóng ngoặc \"]\" hay \"}\", không được có thêm chữ hay dấu ngoặc thừa"},
	{"did not find expected '-' indicator",
		"danh sách thụt lề không đúng hoặc có nội dung thừa: mỗi mục bắt đầu bằng \"- \" và thẳng cột với các mục khác, các khóa của một mục thẳng cột với khóa đầu tiên sau \"- \"; sau dấu đóng ngoặc \"]\" hay \"}\" không được có thêm chữ hay dấu ngoặc thừa"},
	{"did not find expected ',' or ']'",
		"danh sách trong ngoặc vuông \"[\" chưa được đóng bằng \"]\", hoặc thiếu dấu phẩy giữa các mục"},
	{"did not find expected ',' or '}'",
		"nhóm khóa trong ngoặc nhọn \"{\" chưa được đóng bằng \"}\", hoặc thiếu dấu phẩy giữa các cặp \"khóa: giá trị\""},
	{"found unexpected end of stream", unclosedQuote},
	{"did not find expected node content",
		"thiếu một giá trị: có dấu phẩy thừa, hoặc dấu \"-\" hay dấu hai chấm không kèm giá trị"},
	{"block sequence entries are not allowed in this context",
		"dấu \"- \" của danh sách phải đứng đầu một dòng riêng, thụt lề dưới tên khóa (không viết \"khóa: - giá trị\" trên cùng một dòng)"},
	{"mapping keys are not allowed in this context",
		"dấu \"?\" đặt ở chỗ không được phép: nếu giá trị bắt đầu bằng \"?\" hãy đặt nó trong ngoặc kép"},
	{"found unknown escape character",
		"trong chuỗi đặt giữa ngoặc kép có dấu \\ không hợp lệ: với đường dẫn Windows hãy dùng ngoặc đơn '...' hoặc viết \\\\"},
	{"did not find expected alphabetic or numeric character",
		"sau dấu & hoặc * phải là một tên: nếu giá trị bắt đầu bằng & hay * hãy đặt nó trong ngoặc kép"},
	{"unknown anchor",
		"dấu * tham chiếu đến một tên & không có ở phía trên: nếu giá trị bắt đầu bằng * hãy đặt nó trong ngoặc kép"},
	{"did not find expected comment or line break",
		"có nội dung thừa phía sau giá trị trên cùng dòng"},
	{"found unexpected document indicator",
		"dòng \"---\" hoặc \"...\" nằm giữa một chuỗi trong ngoặc: hãy đóng ngoặc trước dòng này"},
	{"control characters are not allowed",
		"tệp có ký tự điều khiển không in được: hãy xóa ký tự lạ ở dòng này"},
	{"invalid leading UTF-8 octet", notUTF8},
	{"invalid trailing UTF-8 octet", notUTF8},
	{"incomplete UTF-8 octet sequence", notUTF8},
	{"invalid length of a UTF-8 sequence", notUTF8},
	{"invalid Unicode character", notUTF8},
	{"incomplete UTF-16", notUTF8},
}

const unclosedQuote = "dấu ngoặc kép \" hoặc ngoặc đơn ' mở ở dòng này chưa được đóng"

const notUTF8 = "tệp không phải văn bản UTF-8 (có thể đã được lưu bằng bảng mã khác như TCVN3 hoặc Windows-1258): hãy mở tệp và lưu lại với bảng mã UTF-8"

// explainSyntax returns the Vietnamese explanation of libyaml's problem
// msg found on the line text; an unknown problem keeps its English words
// behind a Vietnamese lead, as they are still precise.
func explainSyntax(msg, text string) string {
	if msg == "found character that cannot start any token" {
		if strings.Contains(text, "\t") {
			return tabAdvice
		}
		return "có ký tự không được đứng đầu một giá trị (như @, `, % hoặc ký tự Tab): hãy đặt giá trị trong ngoặc kép \"...\" và chỉ thụt lề bằng dấu cách"
	}
	for _, a := range syntaxAdvice {
		if strings.HasPrefix(msg, a.problem) {
			return a.advice
		}
	}
	return "nội dung không đúng cú pháp YAML (chi tiết bằng tiếng Anh từ thư viện đọc YAML: " + msg + ")"
}

// decodeProblems turns an error of decoding the checked file into problems:
// checkFile should have caught each one, so this is a safety net that
// keeps the file and line and explains the value types in Vietnamese.
func decodeProblems(err error) []Problem {
	var msgs []string
	if te := (*yaml.TypeError)(nil); errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	out := make([]Problem, 0, len(msgs))
	for _, m := range msgs {
		line, msg := splitYAMLError(m)
		out = append(out, Problem{Line: line, Message: explainDecode(msg)})
	}
	return out
}

// unmarshalError matches yaml.v3's type errors: "cannot unmarshal !!str
// `abc` into int64" (decode.go, terror) and "cannot decode !!str `abc` as
// a !!int" (resolve.go).
var unmarshalError = regexp.MustCompile("^cannot (?:unmarshal|decode) (!!\\w+)(?: `(.*)`)? (?:into|as an?) (.+)$")

// explainDecode says a yaml.v3 decoding message in Vietnamese.
func explainDecode(msg string) string {
	sm := unmarshalError.FindStringSubmatch(msg)
	if sm == nil {
		if strings.Contains(msg, "excessive aliasing") {
			return "tệp dùng quá nhiều tham chiếu * lồng nhau: hãy viết các giá trị ra trực tiếp"
		}
		return "giá trị không đọc được (chi tiết bằng tiếng Anh từ thư viện đọc YAML: " + msg + ")"
	}
	what := "giá trị"
	switch sm[1] {
	case "!!seq":
		what = "một danh sách"
	case "!!map":
		what = "một nhóm khóa"
	}
	if sm[2] != "" {
		what = "giá trị " + quote(sm[2])
	}
	return what + " không phải " + typeName(sm[3])
}

// typeName names in Vietnamese a Go type or YAML tag that a value failed
// to become.
func typeName(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"), t == "!!seq":
		return "một danh sách"
	case strings.HasPrefix(t, "*"):
		return typeName(t[1:])
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"), t == "!!int":
		return "số nguyên"
	case strings.HasPrefix(t, "float"), t == "!!float":
		return "số"
	case t == "bool", t == "!!bool":
		return "true hoặc false"
	case t == "string", t == "!!str":
		return "một chuỗi chữ"
	case t == "!!timestamp":
		return "ngày tháng"
	}
	return "kiểu giá trị cần ở đây (các khóa con)"
}
