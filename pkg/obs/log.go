// Package obs is the operability kit shared by the Wirestream services: JSON
// logs with Elastic Common Schema (ECS) field names, Prometheus metrics on a
// private registry, an admin HTTP server (/metrics, /healthz, /readyz,
// /loglevel), a periodic summary log line and a signal-aware context.
package obs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// ECSVersion is the Elastic Common Schema version the log lines follow.
const ECSVersion = "8.11.0"

// NewLogger returns a logger writing one JSON object per line to w (stderr
// when nil) with ECS field names: @timestamp (ISO 8601), log.level, message,
// log.logger, log.origin.file.line, ecs.version, service.name,
// service.version and event.dataset (service + ".log"). The level can be
// changed at run time through level (see AdminServer's /loglevel).
func NewLogger(service, version string, level zap.AtomicLevel, w io.Writer) *zap.Logger {
	if w == nil {
		w = os.Stderr
	}
	enc := zapcore.NewJSONEncoder(zapcore.EncoderConfig{
		TimeKey:        "@timestamp",
		LevelKey:       "log.level",
		NameKey:        "log.logger",
		CallerKey:      zapcore.OmitKey,
		FunctionKey:    zapcore.OmitKey,
		MessageKey:     "message",
		StacktraceKey:  "error.stack_trace",
		LineEnding:     zapcore.DefaultLineEnding,
		EncodeLevel:    zapcore.LowercaseLevelEncoder,
		EncodeTime:     zapcore.ISO8601TimeEncoder,
		EncodeDuration: zapcore.MillisDurationEncoder,
		EncodeName:     zapcore.FullNameEncoder,
	})
	core := originCore{zapcore.NewCore(enc, zapcore.AddSync(w), level)}
	return zap.New(core, zap.AddCaller(), zap.AddStacktrace(zapcore.DPanicLevel)).
		Named(service).
		With(
			zap.String("ecs.version", ECSVersion),
			zap.String("service.name", service),
			zap.String("service.version", version),
			zap.String("event.dataset", service+".log"),
		)
}

// originCore adds the ECS fields log.origin.file.name and
// log.origin.file.line from the entry's caller (zap's own caller encoder can
// only emit a single value).
type originCore struct{ zapcore.Core }

// With implements zapcore.Core.
func (c originCore) With(f []zapcore.Field) zapcore.Core { return originCore{c.Core.With(f)} }

// Check implements zapcore.Core so that Write below is the one called.
func (c originCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

// Write implements zapcore.Core.
func (c originCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	if e.Caller.Defined {
		name := e.Caller.TrimmedPath()
		if i := strings.LastIndexByte(name, ':'); i >= 0 {
			name = name[:i]
		}
		fields = append(fields[:len(fields):len(fields)],
			zap.String("log.origin.file.name", name),
			zap.Int("log.origin.file.line", e.Caller.Line))
	}
	if err := c.Core.Write(e, fields); err != nil {
		return fmt.Errorf("write log entry: %w", err)
	}
	return nil
}

// ParseLevel converts a level name (debug, info, warn, error) to an
// AtomicLevel, with an error naming the accepted values.
func ParseLevel(s string) (zap.AtomicLevel, error) {
	l, err := zap.ParseAtomicLevel(strings.ToLower(strings.TrimSpace(s)))
	if err != nil {
		return zap.NewAtomicLevel(), fmt.Errorf("log level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// errorField renders an error as ECS error.message and error.type.
type errorField struct{ err error }

// MarshalLogObject implements zapcore.ObjectMarshaler.
func (e errorField) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("error.message", e.err.Error())
	enc.AddString("error.type", errorType(e.err))
	return nil
}

// errorType names the most specific non-wrapper error type in err's chain.
func errorType(err error) string {
	t := fmt.Sprintf("%T", err)
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		t = fmt.Sprintf("%T", u)
	}
	return t
}

// Err returns the ECS fields error.message and error.type for err (nothing
// when err is nil).
func Err(err error) zap.Field {
	if err == nil {
		return zap.Skip()
	}
	return zap.Inline(errorField{err})
}

// TraceID returns the ECS trace.id field.
func TraceID(id string) zap.Field { return zap.String("trace.id", id) }

// ArticleID returns the article.id field.
func ArticleID(id string) zap.Field { return zap.String("article.id", id) }

// Topic returns the kafka.topic field.
func Topic(t string) zap.Field { return zap.String("kafka.topic", t) }

// Partition returns the kafka.partition field.
func Partition(p int) zap.Field { return zap.Int("kafka.partition", p) }

// Offset returns the kafka.offset field.
func Offset(o int64) zap.Field { return zap.Int64("kafka.offset", o) }

// Label returns a custom ECS label, labels.<name>.
func Label(name, value string) zap.Field { return zap.String("labels."+name, value) }
