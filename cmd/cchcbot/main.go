// Command cchcbot runs the CCHC deadline bot of Quỳ Hợp district and the
// staff commands around it. main only wires: each subcommand lives in its
// own file, as a small XCommand with Run and Usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"cchcbot/control"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // a runtime failure
	exitUsage   = 2 // a usage or configuration error
	exitLocked  = 3 // the store is held by something that does not answer
)

// exitError carries the process exit code with the message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// ExitCode makes exitError a control.ExitCoder: a command run by the bot
// on the control socket exits the client with the same code.
func (e *exitError) ExitCode() int { return e.code }

func usageError(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Command is one subcommand: Run parses its own flags from args; Usage
// prints its help.
type Command interface {
	Run(ctx context.Context, args []string) error
	Usage()
}

// commands returns the subcommands by name, writing to stdout and stderr.
func commands(stdout, stderr io.Writer) map[string]Command {
	return map[string]Command{
		"run":       &RunCommand{Stdout: stdout, Stderr: stderr},
		"check":     &CheckCommand{Stdout: stdout},
		"calendar":  &CalendarCommand{Stdout: stdout},
		"invite":    &InviteCommand{Stdout: stdout},
		"request":   &RequestCommand{Stdout: stdout},
		"status":    &StatusCommand{Stdout: stdout},
		"backup":    &BackupCommand{Stdout: stdout},
		"compact":   &CompactCommand{Stdout: stdout},
		"export":    &ExportCommand{Stdout: stdout},
		"archive":   &ArchiveCommand{Stdout: stdout},
		"summary":   &SummaryCommand{Stdout: stdout},
		"restore":   &RestoreCommand{Stdout: stdout},
		"zalo-auth": &ZaloAuthCommand{Stdin: os.Stdin, Stdout: stdout},
		"web-login": &WebLoginCommand{Stdout: stdout},
	}
}

// Main runs one subcommand and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || isHelp(args[0]) || args[0] == "help" {
		if len(args) == 2 {
			if cmd, ok := commands(stdout, stderr)[args[1]]; ok {
				cmd.Usage()
				return exitOK
			}
		}
		w := stdout
		if len(args) == 0 {
			w = stderr
		}
		fmt.Fprint(w, usage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands(stdout, stderr)[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "cchcbot: không có lệnh %q.\n\n%s", args[0], usage)
		return exitUsage
	}
	for _, a := range args[1:] {
		if isHelp(a) {
			cmd.Usage()
			return exitOK
		}
	}
	err := cmd.Run(ctx, args[1:])
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		cmd.Usage()
		return exitOK
	}
	fmt.Fprintf(stderr, "cchcbot %s: %s\n", args[0], errorText(err))
	return exitCodeOf(err)
}

// exitCodeOf returns the exit code err asks for, exitFailure by default.
func exitCodeOf(err error) int {
	var ec control.ExitCoder
	if errors.As(err, &ec) && ec.ExitCode() != 0 {
		return ec.ExitCode()
	}
	return exitFailure
}

func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help":
		return true
	}
	return false
}

const usage = `cchcbot: bot nhắc hạn và nhận báo cáo cải cách hành chính (CCHC) của các đơn vị
cho cơ quan ghi trong tệp cấu hình (office:), ví dụ Sở Nội vụ của một tỉnh
(config.province.example.yaml) hay Phòng Nội vụ huyện Quỳ Hợp trước 01/07/2025
(config.example.yaml).

Cách dùng: cchcbot <lệnh> [-config TỆP] [tham số]

Các lệnh:
  run                         chạy bot (cần TELEGRAM_BOT_TOKEN khi có Telegram,
                              ZALO_APP_SECRET và ZALO_OA_SECRET_KEY khi có Zalo)
  check                       kiểm tra tệp cấu hình và tóm tắt nội dung
  calendar [--from NGÀY] [--to NGÀY]
                              mọi kỳ báo cáo, hạn nộp và lần nhắc việc
                              (NGÀY: dd/mm/yyyy hoặc yyyy-mm-dd)
  invite ĐƠN_VỊ               tạo đường link mời cho một đơn vị (mã hoặc tên)
  invite --admin TÊN          tạo đường link mời cho cán bộ quản trị của cơ quan
  invite ĐƠN_VỊ --head        tạo đường link mời cho thủ trưởng của đơn vị
  request                     các yêu cầu báo cáo đột xuất; request new, cancel,
                              due: tạo, hủy, đổi hạn (như /yeucau)
  status [KỲ] [ĐƠN_VỊ]        tình hình nộp báo cáo của một kỳ (ví dụ 02/2024)
  export [--period KỲ | --year NĂM] -o TỆP.xlsx [-force]
                              bảng tổng hợp Excel của một năm hoặc một kỳ
  archive KỲ -o TỆP.zip [-force]
                              tệp báo cáo của mọi đơn vị trong một kỳ, kèm danh mục
  summary [KỲ]                đoạn văn cho báo cáo CCHC hằng tháng
  backup TỆP [-force]         ghi một bản sao lưu cơ sở dữ liệu đã kiểm tra
  restore TỆP                 khôi phục cơ sở dữ liệu từ bản sao lưu (dừng bot trước)
  compact                     thu gọn tệp cơ sở dữ liệu (sau khi gộp nhật ký nhắc việc,
                              trước khi sao lưu; cần chỗ trống bằng kích thước tệp)
  zalo-auth < TỆP             cài mã làm mới (refresh token) của Official Account Zalo,
                              đọc từ đầu vào chuẩn
  web-login CÁN_BỘ            đường link đăng nhập trang quản lý trên trình duyệt
                              (mục web:), dùng một lần, cho một cán bộ quản trị

Lệnh nào cũng nhận -config TỆP (mặc định ./config.yaml), đặt trước hay sau
các tham số đều được; "cchcbot <lệnh> -h" cho xem hướng dẫn của lệnh đó.
calendar, invite, request, status, export, archive, summary, backup, compact,
zalo-auth và web-login chạy được cả khi bot đang chạy hay đã dừng: khi bot
chạy, lệnh đi qua cổng điều khiển (control.sock) trong data_dir.
` + envUsage

const envUsage = `
Biến môi trường:
  TELEGRAM_BOT_TOKEN          mã bot (chỉ lệnh run cần; không bao giờ ghi trong tệp)
  CCHCBOT_NOW                 một thời điểm "bây giờ" cố định (RFC 3339, ví dụ
                              2024-02-10T09:00:00+07:00) để trình diễn và kiểm thử;
                              mọi lệnh đều theo nó
`

// configUsage is the -config line every command's usage shows.
const configUsage = `  -config TỆP     tệp cấu hình (mặc định ./config.yaml; bắt đầu từ
                  config.example.yaml)
`
