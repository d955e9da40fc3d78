// Package dlq defines the dead-letter message layout of Wirestream (the
// dlq.* Kafka headers), builds dead letters for the pipeline, and lists and
// re-drives the entries of a dead-letter topic.
//
// A dead letter keeps the original key, value and headers, and adds:
//
//	dlq.error               the error text
//	dlq.original.topic      topic the message was consumed from
//	dlq.original.partition  its partition (decimal)
//	dlq.original.offset     its offset (decimal)
//	dlq.attempts            how many times it was handled (decimal)
//	dlq.service             the service that gave up on it
//	dlq.time                when, RFC 3339 UTC
//
// A re-driven message carries the original headers without any dlq.* header,
// plus dlq.redriven=true.
package dlq

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
)

// Header names of a dead letter.
const (
	HeaderPrefix            = "dlq."
	HeaderError             = "dlq.error"
	HeaderOriginalTopic     = "dlq.original.topic"
	HeaderOriginalPartition = "dlq.original.partition"
	HeaderOriginalOffset    = "dlq.original.offset"
	HeaderAttempts          = "dlq.attempts"
	HeaderService           = "dlq.service"
	HeaderTime              = "dlq.time"
	HeaderRedriven          = "dlq.redriven"
)

// maxErrorBytes bounds the error text kept in a header.
const maxErrorBytes = 4096

// Letter builds the dead letter for m, consumed from m.Topic, which service
// gave up on after attempts tries because of cause. Earlier dlq.* headers
// of m (from a previous re-drive) are dropped. The result has no Topic set:
// the caller's writer decides it.
func Letter(m kafka.Message, cause error, attempts int, service string, now time.Time) kafka.Message {
	text := "unknown error"
	if cause != nil {
		text = cause.Error()
	}
	if len(text) > maxErrorBytes {
		text = text[:maxErrorBytes]
	}
	h := make([]kafka.Header, 0, len(m.Headers)+7)
	h = append(h,
		kafka.Header{Key: HeaderError, Value: []byte(text)},
		kafka.Header{Key: HeaderOriginalTopic, Value: []byte(m.Topic)},
		kafka.Header{Key: HeaderOriginalPartition, Value: []byte(strconv.Itoa(m.Partition))},
		kafka.Header{Key: HeaderOriginalOffset, Value: []byte(strconv.FormatInt(m.Offset, 10))},
		kafka.Header{Key: HeaderAttempts, Value: []byte(strconv.Itoa(attempts))},
		kafka.Header{Key: HeaderService, Value: []byte(service)},
		kafka.Header{Key: HeaderTime, Value: []byte(now.UTC().Format(time.RFC3339Nano))},
	)
	h = append(h, withoutDLQ(m.Headers)...)
	return kafka.Message{Key: m.Key, Value: m.Value, Headers: h}
}

// withoutDLQ returns the headers whose names do not start with dlq.
func withoutDLQ(hs []kafka.Header) []kafka.Header {
	out := make([]kafka.Header, 0, len(hs))
	for _, h := range hs {
		if !strings.HasPrefix(h.Key, HeaderPrefix) {
			out = append(out, h)
		}
	}
	return out
}

// Entry is one dead letter as read back from the dead-letter topic.
type Entry struct {
	// Partition and Offset locate the entry in the dead-letter topic.
	Partition int
	Offset    int64
	// Key of the original message.
	Key []byte
	// Where the original message came from.
	OriginalTopic     string
	OriginalPartition int
	OriginalOffset    int64
	// Error, Service, Time and Attempts describe the failure.
	Error    string
	Service  string
	Time     time.Time
	Attempts int
	// Message is the dead letter as read (value and all headers).
	Message kafka.Message
}

// Parse reads the dlq.* headers of a message from the dead-letter topic.
// It fails when the original topic header is missing or a number is
// malformed, naming the header.
func Parse(m kafka.Message) (Entry, error) {
	e := Entry{Partition: m.Partition, Offset: m.Offset, Key: m.Key, Message: m}
	var err error
	for _, h := range m.Headers {
		v := string(h.Value)
		switch h.Key {
		case HeaderError:
			e.Error = v
		case HeaderOriginalTopic:
			e.OriginalTopic = v
		case HeaderOriginalPartition:
			if e.OriginalPartition, err = strconv.Atoi(v); err != nil {
				return e, fmt.Errorf("dlq entry %d/%d: header %s: %w", m.Partition, m.Offset, h.Key, err)
			}
		case HeaderOriginalOffset:
			if e.OriginalOffset, err = strconv.ParseInt(v, 10, 64); err != nil {
				return e, fmt.Errorf("dlq entry %d/%d: header %s: %w", m.Partition, m.Offset, h.Key, err)
			}
		case HeaderAttempts:
			if e.Attempts, err = strconv.Atoi(v); err != nil {
				return e, fmt.Errorf("dlq entry %d/%d: header %s: %w", m.Partition, m.Offset, h.Key, err)
			}
		case HeaderService:
			e.Service = v
		case HeaderTime:
			if e.Time, err = time.Parse(time.RFC3339Nano, v); err != nil {
				return e, fmt.Errorf("dlq entry %d/%d: header %s: %w", m.Partition, m.Offset, h.Key, err)
			}
		}
	}
	if e.OriginalTopic == "" {
		return e, fmt.Errorf("dlq entry %d/%d: header %s missing", m.Partition, m.Offset, HeaderOriginalTopic)
	}
	return e, nil
}

// RedriveMessage returns the message to produce back to the entry's original
// topic: same key and value, the original headers without dlq.*, plus
// dlq.redriven=true.
func RedriveMessage(e Entry) kafka.Message {
	h := append(withoutDLQ(e.Message.Headers), kafka.Header{Key: HeaderRedriven, Value: []byte("true")})
	return kafka.Message{Topic: e.OriginalTopic, Key: e.Message.Key, Value: e.Message.Value, Headers: h}
}
