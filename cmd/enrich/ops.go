package main

import (
	"context"
	"io"

	"github.com/wirestream/wirestream/internal/opscmd"
	"github.com/wirestream/wirestream/pkg/config"
)

func replayCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return opscmd.Replay(ctx, "enrich", config.DefaultRawTopic, "wirestream-enrich", args, stdout)
}

func dlqCmd(ctx context.Context, program string, args []string, stdout, stderr io.Writer) error {
	return opscmd.DLQ(ctx, program, args, stdout, stderr)
}
