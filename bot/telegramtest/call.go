package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
)

// MaxUpload is the cloud Bot API's limit on a multipart upload (50 MB);
// beyond it Telegram answers 413.
const MaxUpload = 50 << 20

// call is one decoded Bot API request. Telegram accepts the parameters as a
// query string, a urlencoded or multipart form, or a JSON object; tgbotapi
// uses the two form encodings.
type call struct {
	r    *http.Request
	form url.Values
	mp   *multipart.Form // nil unless the request was multipart
}

func parseCall(w http.ResponseWriter, r *http.Request, maxUpload int64) (*call, *apiError) {
	c := &call{r: r}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		// A little slack over the limit for the other fields.
		r.Body = http.MaxBytesReader(w, r.Body, maxUpload+64<<10)
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, &apiError{code: http.StatusRequestEntityTooLarge, desc: "Request Entity Too Large"}
			}
			return nil, badRequest("can't parse multipart form: " + err.Error())
		}
		c.form, c.mp = r.Form, r.MultipartForm
	case "application/json":
		var obj map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&obj); err != nil {
			return nil, badRequest("can't parse JSON object")
		}
		c.form = r.URL.Query()
		for k, v := range obj {
			// Strings arrive unquoted, as in a form; objects (reply_markup,
			// commands) stay JSON, which is how forms carry them too.
			var str string
			if json.Unmarshal(v, &str) == nil {
				c.form.Set(k, str)
			} else {
				c.form.Set(k, string(bytes.TrimSpace(v)))
			}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, badRequest("can't parse request: " + err.Error())
		}
		c.form = r.Form
	}
	return c, nil
}

// cleanup removes the temporary files of a large multipart upload.
func (c *call) cleanup() {
	if c.mp != nil {
		c.mp.RemoveAll()
	}
}

func (c *call) str(key string) string { return c.form.Get(key) }

func (c *call) has(key string) bool { return c.form.Has(key) }

// num64 parses an integer parameter; absent is 0 with ok true, malformed
// is ok false, so handlers can answer as Telegram does for each.
func (c *call) num64(key string) (int64, bool) {
	v := c.form.Get(key)
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

func (c *call) num(key string) (int, bool) {
	n, ok := c.num64(key)
	return int(n), ok
}

func (c *call) flag(key string) bool {
	b, _ := strconv.ParseBool(c.form.Get(key))
	return b
}

// file returns the uploaded part named key, if the request carried one.
func (c *call) file(key string) *multipart.FileHeader {
	if c.mp == nil || len(c.mp.File[key]) == 0 {
		return nil
	}
	return c.mp.File[key][0]
}
