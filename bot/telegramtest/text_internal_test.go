package telegramtest

import "testing"

func TestStripHTML(t *testing.T) {
	for _, c := range []struct{ in, out, err string }{
		{"<b>đậm</b> &amp; <i>nghiêng</i>", "đậm & nghiêng", ""},
		{`<a href="https://t.me/x">link</a>`, "link", ""},
		{"&lt;tag&gt; &#233; &#x1F600; &quot;", "<tag> é 😀 \"", ""},
		{"A & B &unknown;", "A & B &unknown;", ""},
		{`<span class="tg-spoiler">x</span><pre><code class="language-go">y</code></pre>`, "xy", ""},
		{"<b>x", "", `Can't find end tag corresponding to start tag "b"`},
		{"<b>x</i>", "", `Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`},
		{"x</b>", "", `Unmatched end tag at byte offset 1, expected "</>", found "</b>"`},
		{"a < b", "", `Unclosed start tag at byte offset 2`},
		{"<div>x</div>", "", `Unsupported start tag "div" at byte offset 0`},
	} {
		out, err := stripHTML(c.in)
		if out != c.out || err != c.err {
			t.Errorf("stripHTML(%q) = %q, %q; want %q, %q", c.in, out, err, c.out, c.err)
		}
	}
}

func TestUTF16Len(t *testing.T) {
	if n := utf16Len("aệ😀"); n != 4 {
		t.Errorf("utf16Len = %d, want 4", n)
	}
}
