// Package publish writes raw articles to Kafka.
//
// A Publisher returns nil only once every article it was given is durable:
// the Kafka implementation writes synchronously with acks=all, so a nil
// return means every in-sync replica has the message. Failures are
// classified so callers can react: ErrUnavailable (Kafka could not be
// reached or did not acknowledge: retry later, nothing is lost by retrying
// because article ids and versions are deterministic) and ErrRejected (this
// article can never be written, for example because it is too large).
package publish

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/wirestream/wirestream/pkg/article"
)

// Publisher writes articles to the raw topic.
type Publisher interface {
	// Publish writes every article and returns nil only when all of them
	// are durable. On partial failure it returns an ItemErrors holding one
	// entry per article (nil for the ones that were written).
	Publish(ctx context.Context, articles []*article.Article) error
}

// ErrUnavailable marks a transient failure: Kafka could not be reached, did
// not acknowledge in time, or had no leader. The write may be retried.
var ErrUnavailable = errors.New("kafka unavailable")

// ErrRejected marks a permanent failure for one article: retrying the same
// article will fail again (message too large, invalid record).
var ErrRejected = errors.New("article rejected by kafka")

// ErrTooLarge marks an article whose encoded message exceeds the size
// limit. It wraps ErrRejected.
var ErrTooLarge = fmt.Errorf("%w: message too large", ErrRejected)

// ItemErrors reports the outcome of each article of one Publish call: entry
// i is nil when article i was written. errors.Is(ItemErrors, ErrUnavailable)
// is true when any entry is unavailable.
type ItemErrors []error

// Error implements error, summarising the failed entries.
func (e ItemErrors) Error() string {
	var parts []string
	n := 0
	for i, err := range e {
		if err == nil {
			continue
		}
		n++
		if len(parts) < 5 {
			parts = append(parts, fmt.Sprintf("article %d: %v", i, err))
		}
	}
	return fmt.Sprintf("publish: %d of %d articles failed: %s", n, len(e), strings.Join(parts, "; "))
}

// Unwrap returns the non-nil entries so errors.Is and errors.As look inside.
func (e ItemErrors) Unwrap() []error {
	var out []error
	for _, err := range e {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// Failed counts the non-nil entries.
func (e ItemErrors) Failed() int {
	n := 0
	for _, err := range e {
		if err != nil {
			n++
		}
	}
	return n
}

// ItemError returns the error for article i out of n from the result err of
// a Publish call: nil when that article was written.
func ItemError(err error, i, n int) error {
	if err == nil {
		return nil
	}
	var items ItemErrors
	if errors.As(err, &items) && len(items) == n {
		return items[i]
	}
	return err
}

// NewTraceID returns a random 128-bit trace id as 32 hex digits, the W3C
// trace-context form.
func NewTraceID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// ValidTraceID reports whether s is acceptable as a caller-supplied trace
// id: 1 to 128 characters of letters, digits, '-', '_', '.' or ':'.
func ValidTraceID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '-', r == '_', r == '.', r == ':':
		default:
			return false
		}
	}
	return true
}

// StampTrace sets TraceID on every article that has none: to traceID, or to
// a freshly generated id when traceID is empty. It returns the id used.
func StampTrace(articles []*article.Article, traceID string) string {
	if traceID == "" {
		traceID = NewTraceID()
	}
	for _, a := range articles {
		if a != nil && a.TraceID == "" {
			a.TraceID = traceID
		}
	}
	return traceID
}
