package main

import (
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// TestInviteQR: --qr writes a PNG whose QR code, read back by a decoder,
// is the invite link printed; an existing file is kept unless -force.
func TestInviteQR(t *testing.T) {
	cfg, _ := tempConfig(t)
	png := filepath.Join(t.TempDir(), "moi-chau-loc.png")
	code, out, errOut := run(t, "invite", "chau loc", "--qr", png, "-config", cfg)
	if code != exitOK {
		t.Fatalf("invite --qr: exit %d, %s", code, errOut)
	}
	link := regexp.MustCompile(`Đường link: (\S+)`).FindStringSubmatch(out)
	if link == nil || !strings.Contains(out, "Mã QR:      "+png) {
		t.Fatalf("output:\n%s", out)
	}
	if got := decodeQR(t, png); got != link[1] {
		t.Errorf("the QR code reads %q, want the link %q", got, link[1])
	}

	before, _ := os.ReadFile(png)
	if code, _, errOut := run(t, "invite", "chau loc", "--qr", png, "-config", cfg); code == exitOK || !strings.Contains(errOut, "-force") {
		t.Errorf("an existing QR file: exit %d, %s", code, errOut)
	}
	if after, _ := os.ReadFile(png); string(after) != string(before) {
		t.Error("the existing QR file was changed")
	}
	if code, out, errOut := run(t, "invite", "chau loc", "--qr", png, "-force", "-config", cfg); code != exitOK {
		t.Errorf("-force: exit %d, %s", code, errOut)
	} else if l := regexp.MustCompile(`Đường link: (\S+)`).FindStringSubmatch(out); l == nil || decodeQR(t, png) != l[1] {
		t.Error("-force did not write the new invite's QR code")
	}
}

func decodeQR(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil || format != "png" {
		t.Fatalf("%s is not a PNG: %v (%s)", path, err, format)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code in %s: %v", path, err)
	}
	return res.GetText()
}
