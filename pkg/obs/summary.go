package obs

import (
	"context"
	"time"

	"go.uber.org/zap"
)

// Summary logs one info line every interval with the messages processed,
// failed and dead-lettered during the interval, the processing rate and the
// last known consumer lag, until ctx is cancelled. It replaces per-message
// info lines, which are logged at debug level.
func Summary(ctx context.Context, log *zap.Logger, m *Metrics, interval time.Duration) {
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	prev, last := m.Totals(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			cur := m.Totals()
			logSummary(log, prev, cur, now.Sub(last))
			prev, last = cur, now
		}
	}
}

// logSummary writes the difference between two snapshots.
func logSummary(log *zap.Logger, prev, cur Totals, elapsed time.Duration) {
	out := cur.Out - prev.Out
	rate := 0.0
	if elapsed > 0 {
		rate = float64(out) / elapsed.Seconds()
	}
	log.Info("summary",
		zap.Int64("labels.fetched", cur.In-prev.In),
		zap.Int64("labels.processed", out),
		zap.Int64("labels.failed", cur.Failed-prev.Failed),
		zap.Int64("labels.dead_lettered", cur.DeadLettered-prev.DeadLettered),
		zap.Float64("labels.rate_per_second", rate),
		zap.Int64("labels.lag", cur.Lag),
	)
}
