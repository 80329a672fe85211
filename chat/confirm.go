package chat

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"cchcbot"
)

// recordKey is a draft's Submission.Key: the person and the draft's nonce.
// Nonces are 32 random bits, unique enough among one person's drafts but
// not among a province's.
func recordKey(d cchcbot.Draft) string { return string(d.User) + "/" + d.Nonce }

// confirm fetches and stores every file of the draft, then records the
// submission, deletes the draft and queues the receipt and the admins'
// notices, all in one commit. A failed fetch records nothing and keeps
// the draft, so the member can press again; a press delivered again after
// that commit finds no draft and is refused as stale, and the receipt is
// already in the outbox.
func (s *Service) confirm(ctx context.Context, w who, d cchcbot.Draft, answer func(string) error) error {
	p, err := s.calendar().Period(d.PeriodID)
	if err != nil {
		if err := s.opts.Store.DeleteDraft(ctx, w.user); err != nil {
			return err
		}
		return s.reply(ctx, w.user, "Kỳ báo cáo của hồ sơ này không còn trong danh mục. Hồ sơ đã được hủy, chưa có báo cáo nào được nộp; xin liên hệ "+s.opts.Office+".")
	}
	now := s.now()
	// The unit's own view of the period: an approved extension moves the
	// deadline that "late" is judged against, and the receipt says so.
	if p, err = s.unitPeriod(ctx, p, w.unit.Code); err != nil {
		return err
	}
	if !p.IsOpen(now) {
		if err := s.opts.Store.DeleteDraft(ctx, w.user); err != nil {
			return err
		}
		return s.reply(ctx, w.user, s.closedText(p)+" Hồ sơ đã được hủy, chưa có báo cáo nào được nộp.")
	}
	if p.RequiresFile && len(d.Files) == 0 {
		d.Stage = stageFile
		if err := s.saveDraft(ctx, d); err != nil {
			return err
		}
		return s.prompt(ctx, w, d)
	}
	// A late report asks for its reason first: nothing is fetched or
	// recorded until it comes (or is skipped, when that is allowed).
	explanation, asked, err := s.lateExplanation(ctx, w, d, p, now)
	if err != nil || asked {
		return err
	}
	if len(d.Files) > 0 {
		// Downloads take a while: stop the button's spinner now.
		answer(fmt.Sprintf("Đang tải %d tệp về hệ thống, xin chờ trong giây lát...", len(d.Files)))
	}
	files := make([]cchcbot.File, len(d.Files))
	for i, f := range d.Files {
		stored, err := s.fetch(ctx, w.user, f)
		if err != nil {
			return s.fetchFailed(ctx, w, d, i, err)
		}
		files[i] = stored
	}
	admins, err := s.noticeAdmins(ctx)
	if err != nil {
		return err
	}
	sub := &cchcbot.Submission{
		PeriodID: p.ID, UnitCode: w.unit.Code, Files: files, Note: d.Note, DocNumber: d.DocNumber, DocDate: d.DocDate,
		SubmittedBy: w.user, SubmitterName: w.name, SubmittedAt: now, DaysLate: p.DaysLate(now), Key: recordKey(d), Explanation: explanation,
	}
	loc := s.calendar().Location
	created, err := s.opts.Store.RecordSubmission(ctx, sub, func(sub *cchcbot.Submission) []*cchcbot.Outgoing {
		out := []*cchcbot.Outgoing{{Kind: cchcbot.OutReceipt, To: w.user, Text: receipt(loc, w.unit, p, sub), Priority: cchcbot.PriorityInteractive}}
		return append(out, s.newSubmissionNotices(admins, w.unit, p, sub)...)
	})
	if err != nil {
		return err
	}
	s.forgetLateReason(ctx, w.user)
	if created {
		s.opts.Logger.Info("submission recorded", "unit", w.unit.Code, "period", p.ID, "receipt", sub.ReceiptNo(), "version", sub.Version, "files", len(sub.Files))
	}
	return nil
}

// fetch downloads one file that from sent, from their network, straight
// into the file store, which hashes it on the way.
func (s *Service) fetch(ctx context.Context, from cchcbot.UserID, f cchcbot.File) (cchcbot.File, error) {
	rc, err := s.opts.Channel.FetchFile(ctx, cchcbot.IncomingFile{Channel: from.Channel(), ChannelFileID: f.ChannelFileID, Name: f.Name, MIME: f.MIME, Size: f.Size})
	if err != nil {
		return f, err
	}
	defer rc.Close()
	// The content is checked before anything reaches the file store, so a
	// refused file leaves no blob behind.
	r, err := sniff(f.Name, rc)
	if err != nil {
		return f, err
	}
	sum, size, err := s.opts.Store.PutFile(ctx, r, s.opts.MaxFileSize)
	if err != nil {
		return f, err
	}
	f.SHA256, f.Size = sum, size
	return f, nil
}

// fetchFailed tells the member that file i of the draft could not be
// fetched. Nothing is recorded and the draft stays: a file the network
// will never serve (too large, gone) is taken out of it, any other failure
// leaves it whole for another press of "Xác nhận nộp".
func (s *Service) fetchFailed(ctx context.Context, w who, d cchcbot.Draft, i int, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	f := d.Files[i]
	confirm := cchcbot.Button{Text: "✅ Xác nhận nộp", Data: s.sign(w.user, cchcbot.ActionConfirm, d.Nonce)}
	cancel := cchcbot.Button{Text: "❌ Hủy", Data: s.sign(w.user, cchcbot.ActionCancel, d.Nonce)}
	var mismatch *contentMismatch
	switch {
	case errors.As(err, &mismatch), cchcbot.ErrorCode(err) == cchcbot.ETOOLARGE, cchcbot.ErrorCode(err) == cchcbot.ENOTFOUND, cchcbot.ErrorCode(err) == cchcbot.EINVALID:
		var msg string
		if mismatch != nil {
			s.opts.Logger.Warn("file refused: content does not match its name", "user", string(w.user), "file", f.Name)
			msg = mismatch.message() + "\nTệp này đã được bỏ ra khỏi hồ sơ. Báo cáo CHƯA được nộp."
		} else {
			s.opts.Logger.Info("file refused by the channel", "user", string(w.user), "file", f.Name, "code", cchcbot.ErrorCode(err))
			msg = fmt.Sprintf("Không tải được tệp \"%s\": %s\nTệp này đã được bỏ ra khỏi hồ sơ. Báo cáo CHƯA được nộp.", f.Name, cchcbot.ErrorMessage(err))
		}
		d.Files = slices.Delete(d.Files, i, i+1)
		buttons := []cchcbot.Button{cancel}
		if len(d.Files) == 0 {
			d.Stage = stageFile
			if mismatch != nil {
				msg += " Xin gửi lại tệp đúng định dạng."
			} else {
				msg += " Xin gửi lại tệp (nén ZIP hoặc chia nhỏ nếu tệp quá lớn)."
			}
		} else {
			msg += fmt.Sprintf(" Có thể gửi tệp thay thế, hoặc bấm \"✅ Xác nhận nộp\" để nộp %d tệp còn lại.", len(d.Files))
			buttons = []cchcbot.Button{confirm, cancel}
		}
		if err := s.saveDraft(ctx, d); err != nil {
			return err
		}
		return s.reply(ctx, w.user, msg, buttons)
	}
	if cchcbot.ErrorCode(err) == cchcbot.EFULL {
		s.opts.Logger.Error("the disk is full: a report could not be stored", "user", string(w.user), "file", f.Name)
		s.answer(ctx, w.user, cchcbot.ErrorMessage(err)+" Hồ sơ vẫn được giữ nguyên: khi máy chủ có chỗ trống, bấm \"✅ Xác nhận nộp\" lại là đủ.")
		return nil
	}
	s.opts.Logger.Warn("file fetch failed", "user", string(w.user), "file", f.Name, "err", err)
	return s.reply(ctx, w.user, fmt.Sprintf("Chưa tải được tệp \"%s\" do lỗi đường truyền. Báo cáo CHƯA được nộp; hồ sơ vẫn được giữ nguyên. Xin bấm \"✅ Xác nhận nộp\" lại sau ít phút.", f.Name),
		[]cchcbot.Button{confirm, cancel})
}
