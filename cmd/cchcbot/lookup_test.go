package main

import (
	"strings"
	"testing"
)

// TestInviteByName: invite takes a code in any case or a name without
// diacritics; an ambiguous name lists the candidates with their codes.
func TestInviteByName(t *testing.T) {
	t.Setenv("CCHCBOT_NOW", "2024-02-10T09:00:00+07:00")
	cfg, _ := tempConfig(t)
	for _, args := range [][]string{
		{"invite", "XA-CHAU-LOC", "-config", cfg},
		{"invite", "chau", "loc", "-config", cfg},
		{"invite", "-config", cfg, "Châu Lộc"},
	} {
		code, out, errOut := run(t, args...)
		if code != exitOK || !strings.HasPrefix(out, "Mã mời cho UBND xã Châu Lộc ") {
			t.Errorf("%q: exit %d, %q %q", args, code, out, errOut)
		}
	}
	code, out, errOut := run(t, "invite", "son", "-config", cfg)
	if code != exitUsage || out != "" || !strings.Contains(errOut, `Có 3 đơn vị khớp với "son"`) ||
		!strings.Contains(errOut, "UBND xã Bắc Sơn – mã xa-bac-son") || !strings.Contains(errOut, "UBND xã Nam Sơn – mã xa-nam-son") {
		t.Errorf("ambiguous: exit %d, %q %q", code, out, errOut)
	}
	code, _, errOut = run(t, "invite", "khong-co", "-config", cfg)
	if code != exitUsage || !strings.Contains(errOut, `Không tìm thấy đơn vị "khong-co"`) {
		t.Errorf("unknown unit: exit %d, %q", code, errOut)
	}
}

// TestStatusOfOneUnit: status takes a unit as chat's /status does, before
// or after the period, and prints only its row.
func TestStatusOfOneUnit(t *testing.T) {
	t.Setenv("CCHCBOT_NOW", "2024-03-01T09:00:00+07:00")
	cfg, dataDir := tempConfig(t)
	seedStore(t, cfg, dataDir)
	var first string
	for _, args := range [][]string{
		{"status", "02/2024", "TU PHAP", "-config", cfg},
		{"status", "-config", cfg, "phong", "tu", "phap", "02/2024"},
		{"status", "PHONG-TU-PHAP", "02/2024", "-config", cfg},
	} {
		code, out, errOut := run(t, args...)
		if code != exitOK {
			t.Fatalf("%q: exit %d, %s", args, code, errOut)
		}
		if rows := tableRows(t, out); !strings.HasPrefix(out, "Báo cáo CCHC tháng 02/2024") || len(rows) != 1 || !strings.HasPrefix(rows[0], "Phòng Tư pháp ") {
			t.Errorf("%q: rows %q\n%s", args, rows, out)
		}
		if first == "" {
			first = out
		} else if out != first {
			t.Errorf("%q differs:\n%s\n--- first:\n%s", args, out, first)
		}
	}
	if code, _, errOut := run(t, "status", "02/2024", "son", "-config", cfg); code != exitUsage || !strings.Contains(errOut, "Có 3 đơn vị khớp") {
		t.Errorf("ambiguous: exit %d, %q", code, errOut)
	}
	if code, _, errOut := run(t, "status", "13/2024", "-config", cfg); code != exitUsage || !strings.Contains(errOut, `Không tìm thấy kỳ báo cáo hay đơn vị "13/2024"`) {
		t.Errorf("neither a period nor a unit: exit %d, %q", code, errOut)
	}
}

// tableRows returns the lines of status's table after its heading.
func tableRows(t *testing.T, out string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Đơn vị ") {
			return lines[i+1:]
		}
	}
	t.Fatalf("no table in\n%s", out)
	return nil
}
