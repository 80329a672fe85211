package browsertest

import "strconv"

// LowContrast returns, for every element sel matches that shows text, the
// ones whose text is painted with a contrast ratio below min against the
// background behind it (WCAG 2's ratio: 4.5 for body text, 3 for large
// text), described as "text: ratio (colour on background)". It looks at
// the text's own element and its descendants, so a link inside a coloured
// cell is judged on the cell's colour. Colours are the computed ones: what
// the browser paints, whatever rule set them.
func (t *Tab) LowContrast(sel string, min float64) []string {
	t.tb.Helper()
	return Eval[[]string](t, `(() => {
	const min = `+strconv.FormatFloat(min, 'f', -1, 64)+`;
	const parse = c => { const m = c.match(/rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?/); return m ? [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]] : [0, 0, 0, 0]; };
	const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
	const bgOf = e => { for (; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c[3] > 0) return c; } return [255, 255, 255, 1]; };
	const out = [];
	for (const root of document.querySelectorAll(`+jsString(sel)+`)) {
		for (const e of [root, ...root.querySelectorAll("*")]) {
			const own = Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
			if (!own || !e.getClientRects().length) continue;
			const fg = parse(getComputedStyle(e).color), bg = bgOf(e);
			const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
			const ratio = (a + 0.05) / (b + 0.05);
			if (ratio < min) out.push(e.innerText.trim() + ": " + ratio.toFixed(2) + " (" + getComputedStyle(e).color + " on rgb(" + bg.slice(0, 3).join(", ") + "))");
		}
	}
	return out;
})()`)
}
