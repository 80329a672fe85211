package chat

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"cchcbot"
)

// maxDocNumber bounds a document number: real ones ("123/BC-UBND") are
// short, and anything long is a message typed into the wrong place.
const maxDocNumber = 60

var (
	// dateWord splits "123/BC-UBND ngày 20/01/2024" before the date.
	dateWord = regexp.MustCompile(`(?i)(?:^|[\s,;])(?:ngày|ngay)\s*`)
	// numericDate is dd/mm/yyyy with / . or - between the parts.
	numericDate = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$`)
	// wordDate is "20 tháng 01 năm 2024", as letters write it.
	wordDate = regexp.MustCompile(`(?i)^(\d{1,2})\s*(?:tháng|thang)\s*(\d{1,2})\s*(?:năm|nam)\s*(\d{4})$`)
)

// parseDocRef reads the document number and optional signing date a member
// types: "123/KH-UBND ngày 20/01/2024", "123/KH-UBND, 20/01/2024",
// "123/KH-UBND ngày 20 tháng 01 năm 2024" or just "123/KH-UBND". A date
// that is given but unreadable is an error, never silently dropped.
func parseDocRef(text string) (number string, date cchcbot.Date, err error) {
	text = strings.Join(strings.Fields(text), " ")
	var datePart string
	if loc := dateWord.FindStringIndex(text); loc != nil {
		number, datePart = text[:loc[0]], text[loc[1]:]
		if datePart == "" {
			return "", cchcbot.Date{}, errDocDate("")
		}
	} else if i := strings.LastIndexAny(text, " ,;"); i >= 0 && numericDate.MatchString(text[i+1:]) {
		number, datePart = text[:i], text[i+1:]
	} else {
		number = text
	}
	number = strings.Trim(number, " ,;:-–")
	if number == "" {
		return "", cchcbot.Date{}, cchcbot.Errorf(cchcbot.EINVALID, "Xin nhập số hiệu văn bản, ví dụ: 123/BC-UBND ngày 10/02/2024, hoặc bấm \"Bỏ qua\".")
	}
	if utf8.RuneCountInString(number) > maxDocNumber {
		return "", cchcbot.Date{}, cchcbot.Errorf(cchcbot.EINVALID, "Số hiệu văn bản quá dài (tối đa %d ký tự). Xin nhập ngắn gọn, ví dụ: 123/BC-UBND ngày 10/02/2024.", maxDocNumber)
	}
	if datePart == "" {
		return number, cchcbot.Date{}, nil
	}
	datePart = strings.Trim(datePart, " .")
	m := numericDate.FindStringSubmatch(datePart)
	if m == nil {
		m = wordDate.FindStringSubmatch(datePart)
	}
	if m == nil {
		return "", cchcbot.Date{}, errDocDate(datePart)
	}
	date, err = cchcbot.ParseDMY(m[1] + "/" + m[2] + "/" + m[3])
	if err != nil || date.Year < 1990 {
		return "", cchcbot.Date{}, errDocDate(datePart)
	}
	return number, date, nil
}

func errDocDate(s string) error {
	if s == "" {
		return cchcbot.Errorf(cchcbot.EINVALID, "Chưa có ngày ký. Xin nhập theo dạng: 123/BC-UBND ngày 10/02/2024.")
	}
	return cchcbot.Errorf(cchcbot.EINVALID, "Ngày ký \"%s\" không hợp lệ. Xin nhập theo dạng: 123/BC-UBND ngày 10/02/2024 (ngày/tháng/năm).", s)
}
