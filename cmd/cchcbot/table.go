package main

import (
	"bytes"
	"io"
	"text/tabwriter"
)

// table lays out tab-separated cells in aligned columns, as
// text/tabwriter does, without the padding it leaves after the last cell
// of a line when that cell is empty.
type table struct {
	*tabwriter.Writer
	buf bytes.Buffer
	out io.Writer
}

func newTable(w io.Writer) *table {
	t := &table{out: w}
	t.Writer = tabwriter.NewWriter(&t.buf, 2, 4, 2, ' ', 0)
	return t
}

// Flush writes the laid-out table to the underlying writer.
func (t *table) Flush() error {
	if err := t.Writer.Flush(); err != nil {
		return err
	}
	var out bytes.Buffer
	for line := range bytes.Lines(t.buf.Bytes()) {
		trimmed := bytes.TrimRight(line, " \n")
		out.Write(trimmed)
		if len(trimmed) < len(line) && line[len(line)-1] == '\n' {
			out.WriteByte('\n')
		}
	}
	t.buf.Reset()
	_, err := t.out.Write(out.Bytes())
	return err
}
