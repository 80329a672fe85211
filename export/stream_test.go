package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"maps"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/xuri/excelize/v2"

	"cchcbot/export"
	"cchcbot/store"
)

// chunkWriter records how a workbook reaches it.
type chunkWriter struct {
	bytes.Buffer
	writes, largest int
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.writes++
	w.largest = max(w.largest, len(p))
	return w.Buffer.Write(p)
}

func sheets(t *testing.T, b []byte) map[string][][]string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the workbook does not open again: %v", err)
	}
	defer x.Close()
	out := map[string][][]string{}
	for _, s := range x.GetSheetList() {
		rows, err := x.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		out[s] = rows
	}
	return out
}

// plainStore has only the methods of export.Store.
type plainStore struct{ export.Store }

// TestWorkbookStreams: the zip reaches the writer as it is made, not as
// one finished block held in memory; and the versions a year's Load keeps
// in its compact form make the rows the records make, whether the detail
// sheet reads them from there, from the store again (the same Data
// written twice: the first writing lets them go), or from a period's
// export, which keeps the records themselves.
func TestWorkbookStreams(t *testing.T) {
	f := seed(t)
	d := load(t, f, export.Selection{Year: 2024})
	var first chunkWriter
	if err := export.WriteWorkbook(ctx, &first, f.db, d); err != nil {
		t.Fatal(err)
	}
	if first.writes < 2 || first.largest >= first.Len() {
		t.Errorf("the workbook came in %d writes, the largest %d bytes of %d: built in memory, then copied", first.writes, first.largest, first.Len())
	}
	var again bytes.Buffer
	if err := export.WriteWorkbook(ctx, &again, f.db, d); err != nil {
		t.Fatal(err)
	}
	year, twice := sheets(t, first.Bytes()), sheets(t, again.Bytes())
	for name, rows := range year {
		if !slices.EqualFunc(rows, twice[name], slices.Equal) {
			t.Errorf("%s differs when the same year is written again", name)
		}
	}

	// A Store that cannot hand records over one by one gives the same.
	var plain bytes.Buffer
	d, err := export.Load(ctx, plainStore{f.db}, f.cal, f.cfg.Office, export.Selection{Year: 2024}, f.now)
	if err != nil {
		t.Fatal(err)
	}
	if err := export.WriteWorkbook(ctx, &plain, plainStore{f.db}, d); err != nil {
		t.Fatal(err)
	}
	for name, rows := range sheets(t, plain.Bytes()) {
		if !slices.EqualFunc(rows, year[name], slices.Equal) {
			t.Errorf("%s differs read through SubmissionsForPeriod", name)
		}
	}

	// February's detail rows, in the year's workbook and in February's own.
	var feb bytes.Buffer
	if err := export.WriteWorkbook(ctx, &feb, f.db, load(t, f, export.Selection{PeriodID: feb2024})); err != nil {
		t.Fatal(err)
	}
	month := sheets(t, feb.Bytes())[export.DetailSheet][5:]
	kind, period := slices.Index(export.DetailColumns, "Báo cáo"), slices.Index(export.DetailColumns, "Kỳ báo cáo")
	var inYear [][]string
	for _, r := range year[export.DetailSheet][5:] {
		if len(r) > period && r[kind] == month[0][kind] && r[period] == month[0][period] {
			inYear = append(inYear, r)
		}
	}
	if len(month) < 5 || !slices.EqualFunc(inYear, month, slices.Equal) {
		t.Errorf("February's detail rows differ between the year's workbook (%d rows) and the period's (%d):\n%q\n%q", len(inYear), len(month), inYear, month)
	}
}

// releasingStore counts the calls to ReleasePages.
type releasingStore struct {
	*store.DB
	released atomic.Int64 // Load reads periods in parallel
}

func (s *releasingStore) ReleasePages(ctx context.Context) error {
	s.released.Add(1)
	return s.DB.ReleasePages(ctx)
}

// TestYearReleasesPages: a year's export gives back the file pages each
// period's reads mapped, after each period, as it loads and as it writes
// the detail sheet: at 10,000 units they were 170 MB of the bot's
// resident memory.
func TestYearReleasesPages(t *testing.T) {
	f := seed(t)
	st := &releasingStore{DB: f.db}
	d, err := export.Load(ctx, st, f.cal, f.cfg.Office, export.Selection{Year: 2024}, f.now)
	if err != nil {
		t.Fatal(err)
	}
	periods := 0
	for _, k := range d.Kinds {
		periods += len(k.Periods)
	}
	loaded := int(st.released.Load())
	if loaded < periods {
		t.Errorf("Load of %d periods released pages %d times, want once a period", periods, loaded)
	}
	var b bytes.Buffer
	if err := export.WriteWorkbook(ctx, &b, st, d); err != nil {
		t.Fatal(err)
	}
	if wrote := int(st.released.Load()) - loaded; wrote < periods {
		t.Errorf("the workbook of %d periods released pages %d times, want once a period", periods, wrote)
	}
}

// TestWorkbookDeterministic: the same data makes the same parts, byte for
// byte (the cell styles were once numbered in a map's random order), so
// two exports can be compared part by part. Not the same zip: excelize
// writes its streamed sheets in a map's order.
func TestWorkbookDeterministic(t *testing.T) {
	f := seed(t)
	var files [3]map[string]string
	for i := range files {
		var b bytes.Buffer
		if err := export.WriteWorkbook(ctx, &b, f.db, load(t, f, export.Selection{Year: 2024})); err != nil {
			t.Fatal(err)
		}
		files[i] = zipParts(t, b.Bytes())
	}
	for i := 1; i < len(files); i++ {
		if !maps.Equal(files[0], files[i]) {
			for name, part := range files[0] {
				if files[i][name] != part {
					t.Errorf("write %d: %s differs from the first write's", i+1, name)
				}
			}
		}
	}
}

// zipParts returns a zip's parts by name.
func zipParts(t *testing.T, b []byte) map[string]string {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(data)
	}
	return out
}
