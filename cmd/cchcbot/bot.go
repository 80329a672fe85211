package main

import (
	"context"
	"log/slog"

	"cchcbot"
	"cchcbot/config"
	"cchcbot/store"
)

// runBot runs the chat bot and the scheduler until ctx ends.
func runBot(ctx context.Context, cfg *config.Config, db *store.DB, token string, clk cchcbot.Clock, logger *slog.Logger) error {
	_ = token
	<-ctx.Done()
	return nil
}

func errorCode(err error) string { return cchcbot.ErrorCode(err) }
