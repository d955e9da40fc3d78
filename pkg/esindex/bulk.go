package esindex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
)

// Outcome is how a bulk operation was settled.
type Outcome int

// Outcomes of an operation.
const (
	// Indexed: the document is stored at this revision (or a replay of it).
	Indexed Outcome = iota + 1
	// Deleted: a canceled revision removed the document (or it was absent).
	Deleted
	// Stale: Elasticsearch holds a newer revision; this one was dropped.
	Stale
	// Rejected: Elasticsearch refused the document (mapping or parse
	// error); Reason says why and the caller dead-letters the article.
	Rejected
	// Abandoned: the writer was closed before Elasticsearch accepted the
	// operation. Nothing was written; the caller must not treat the
	// article as processed (for Kafka: do not commit its offset).
	Abandoned
)

// String returns the outcome's lower-case name.
func (o Outcome) String() string {
	switch o {
	case Indexed:
		return "indexed"
	case Deleted:
		return "deleted"
	case Stale:
		return "stale"
	case Rejected:
		return "rejected"
	case Abandoned:
		return "abandoned"
	}
	return "outcome(" + strconv.Itoa(int(o)) + ")"
}

// ItemError is the error object Elasticsearch returns for a failed request
// or bulk item.
type ItemError struct {
	Type     string     `json:"type"`
	Reason   string     `json:"reason"`
	CausedBy *ItemError `json:"caused_by,omitempty"`
}

// String renders the error as "type: reason (caused by type: reason)".
func (e *ItemError) String() string {
	if e == nil {
		return ""
	}
	// Reasons can quote the offending value at length: keep them short
	// enough for a dead-letter header or a log line.
	s := e.Type + ": " + truncate(e.Reason, 400)
	if e.CausedBy != nil && e.CausedBy.Type != "" {
		s += " (caused by " + e.CausedBy.String() + ")"
	}
	return s
}

// BulkItem is the answer to one action of a bulk request.
type BulkItem struct {
	// Action is "index", "create", "update" or "delete".
	Action string
	Status int
	Result string
	Error  *ItemError
}

// bulkFilterPath trims the bulk answer to what classification needs.
var bulkFilterPath = []string{"errors", "items.*.status", "items.*.error"}

// allSucceeded reports whether a 200 bulk answer says that none of its n
// items failed, without decoding the items: the common case, settled
// without allocating per item.
func allSucceeded(answer []byte, n int) bool {
	var head struct {
		Errors *bool `json:"errors"`
	}
	if json.Unmarshal(answer, &head) != nil || head.Errors == nil || *head.Errors {
		return false
	}
	return !bytes.Contains(answer, []byte(`"error":{`)) && bytes.Count(answer, []byte(`"status":`)) == n
}

// ParseBulkResponse decodes the body of a 200 bulk answer into its items, in
// request order.
func ParseBulkResponse(body []byte) ([]BulkItem, error) {
	var raw struct {
		Errors bool `json:"errors"`
		Items  []map[string]struct {
			Status int        `json:"status"`
			Result string     `json:"result"`
			Error  *ItemError `json:"error"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("decode bulk answer: %w", err)
	}
	items := make([]BulkItem, len(raw.Items))
	for i, m := range raw.Items {
		if len(m) != 1 {
			return nil, fmt.Errorf("decode bulk answer: item %d has %d actions", i, len(m))
		}
		for action, it := range m {
			switch action {
			case "index", "create", "update", "delete":
			default:
				return nil, fmt.Errorf("decode bulk answer: item %d has unknown action %q", i, action)
			}
			items[i] = BulkItem{Action: action, Status: it.Status, Result: it.Result, Error: it.Error}
		}
	}
	return items, nil
}

// verdict is what to do with one bulk item.
type verdict int

const (
	settle verdict = iota // final outcome known
	retry                 // transient failure: send again later
)

// Classify decides the fate of one bulk item: its final outcome, or that it
// must be retried (429 and every 5xx: overload, unavailable shards, node
// restarts) and a missing write alias. 409 is a version conflict (Stale); 404 on a delete means the
// document is already gone (Deleted); other 4xx statuses are Rejected with
// the error text.
func Classify(it BulkItem) (Outcome, string, bool) {
	v, o, reason := classify(it)
	return o, reason, v == retry
}

func classify(it BulkItem) (verdict, Outcome, string) {
	switch {
	case it.Error != nil && it.Error.Type == "index_not_found_exception":
		// The write alias is missing (setup has not run yet): wait for it
		// rather than dead-letter every article.
		return retry, 0, it.Error.String()
	case it.Status >= 200 && it.Status < 300:
		if it.Action == "delete" {
			return settle, Deleted, ""
		}
		return settle, Indexed, ""
	case it.Status == http.StatusNotFound && it.Action == "delete":
		return settle, Deleted, ""
	case it.Status == http.StatusConflict:
		return settle, Stale, it.Error.String()
	case it.Status == http.StatusTooManyRequests || it.Status >= 500:
		return retry, 0, it.Error.String()
	default:
		reason := it.Error.String()
		if reason == "" {
			reason = "status " + strconv.Itoa(it.Status)
		}
		return settle, Rejected, reason
	}
}

// RetryableStatus reports whether a whole bulk request that failed with
// status must be sent again: 429, 5xx, and 401/403/408 (credentials or
// timeouts that an operator or time can fix; the writer never drops data for
// them).
func RetryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusUnauthorized, http.StatusForbidden, http.StatusRequestTimeout:
		return true
	}
	return status >= 500
}

// encodeOp appends the bulk action line and, for index actions, the document
// line of article a to buf. A canceled revision becomes a versioned delete.
// It reports whether the action is a delete.
func encodeOp(buf *bytes.Buffer, a *article.Article, now time.Time) (bool, error) {
	if a == nil {
		return false, fmt.Errorf("nil article")
	}
	if a.ID == "" {
		return false, fmt.Errorf("article has no id")
	}
	if a.Version < 0 {
		return false, fmt.Errorf("article %s: negative version %d", a.ID, a.Version)
	}
	id, err := json.Marshal(a.ID)
	if err != nil {
		return false, fmt.Errorf("encode id: %w", err)
	}
	del := a.Status == article.StatusCanceled
	mark := buf.Len()
	if del {
		buf.WriteString(`{"delete":{"_id":`)
	} else {
		buf.WriteString(`{"index":{"_id":`)
	}
	buf.Write(id)
	buf.WriteString(`,"version":`)
	buf.WriteString(strconv.FormatInt(a.Version, 10))
	buf.WriteString(`,"version_type":"external_gte"}}` + "\n")
	if !del {
		doc := Document(a, now)
		if err := checkDates(doc); err != nil {
			buf.Truncate(mark)
			return false, fmt.Errorf("encode document %s: %w", a.ID, err)
		}
		// appendDoc writes straight into buf's spare capacity.
		buf.Write(appendDoc(buf.AvailableBuffer(), doc))
		buf.WriteByte('\n')
	}
	return del, nil
}

// checkDates refuses dates that RFC 3339 (and so Elasticsearch's
// date_optional_time and encoding/json) cannot express.
func checkDates(d *Doc) error {
	for _, f := range [...]struct {
		name string
		t    time.Time
	}{{"published_at", d.PublishedAt}, {"updated_at", d.UpdatedAt}, {"ingested_at", d.IngestedAt},
		{"enriched_at", d.EnrichedAt}, {"indexed_at", d.IndexedAt}} {
		if y := f.t.Year(); !f.t.IsZero() && (y < 0 || y > 9999) {
			return fmt.Errorf("%s: year %d is outside 0000-9999", f.name, y)
		}
	}
	return nil
}
