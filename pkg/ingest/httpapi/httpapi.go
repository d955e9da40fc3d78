// Package httpapi is the HTTP front door of ingest: it accepts wire stories
// in any supported format, turns them into articles and publishes them.
//
// Routes:
//
//	POST /v1/articles        one story, any format (Content-Type, detection or ?format=)
//	POST /v1/articles:batch  NDJSON of wirestream JSON articles, or one multi-item document
//	GET  /v1/formats         the formats understood
//
// The source is named by ?source= or the X-Wirestream-Source header (the
// query wins); formats that carry their own source may omit it. A caller
// may pass a trace id in X-Trace-Id; otherwise one is generated per request
// and returned in the same header.
//
// Status codes: 202 once Kafka has acknowledged every accepted article
// (acks=all); 400 for bad input, with {"error", "field"}; 401 without a
// valid bearer token when tokens are configured; 413 over the body size
// limit or for an article too large for Kafka; 503 with Retry-After when
// Kafka is unavailable (nothing was acknowledged that is not durable).
//
// Batches answer with per-item results {"results":[{"index","id","version",
// "status","error","field"}],"accepted":N,"rejected":M,"unavailable":U}.
// Valid items are published even when others are invalid. The status code
// is 202 when every item was accepted (or skipped), 207 (Multi-Status) when
// some were accepted and some rejected, 400 when some were rejected and none
// accepted, 200 when every item was skipped (items without a text story,
// such as NewsML-G2 packages, have status "skipped"), and 503 (with
// Retry-After) when any valid item could not be written because Kafka was
// unavailable: such items have status "unavailable" and may be resent;
// resending accepted ones is harmless because ids and versions are
// deterministic and consumers are idempotent.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/formats"
	"github.com/wirestream/wirestream/pkg/ingest/publish"
)

// Header names read or written by the API.
const (
	HeaderSource  = "X-Wirestream-Source"
	HeaderTraceID = "X-Trace-Id"
)

// Item statuses in batch results.
const (
	StatusAccepted    = "accepted"
	StatusRejected    = "rejected"
	StatusUnavailable = "unavailable"
	StatusSkipped     = "skipped" // an item without a text story, such as a NewsML-G2 package
)

// Options tunes a Handler. Zero values take the documented defaults.
type Options struct {
	// MaxBodyBytes limits a single-article request body. Default 8 MiB.
	MaxBodyBytes int64
	// MaxBatchBytes limits a batch request body. Default 64 MiB.
	MaxBatchBytes int64
	// MaxBatchItems limits the items of one batch. Default 10,000.
	MaxBatchItems int
	// Tokens are the accepted bearer tokens; empty disables authentication.
	Tokens []string
	// RetryAfter is the delay advertised with 503 responses. Default 5 s.
	RetryAfter time.Duration
	// Now returns the current time (ingest timestamps); default time.Now.
	Now func() time.Time
}

// Handler serves the ingest API. It holds no global state: build one per
// server with New.
type Handler struct {
	pub    publish.Publisher
	log    *zap.Logger
	opts   Options
	tokens tokenSet
	mux    *http.ServeMux
}

// New returns a Handler publishing through pub and logging to log (nil
// means no logging).
func New(pub publish.Publisher, log *zap.Logger, opts Options) (*Handler, error) {
	if pub == nil {
		return nil, errors.New("httpapi: nil publisher")
	}
	if log == nil {
		log = zap.NewNop()
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 8 << 20
	}
	if opts.MaxBatchBytes <= 0 {
		opts.MaxBatchBytes = 64 << 20
	}
	if opts.MaxBatchItems <= 0 {
		opts.MaxBatchItems = 10_000
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	h := &Handler{pub: pub, log: log, opts: opts, tokens: newTokenSet(opts.Tokens), mux: http.NewServeMux()}
	h.mux.HandleFunc("POST /v1/articles", h.single)
	h.mux.HandleFunc("POST /v1/articles:batch", h.batch)
	h.mux.HandleFunc("GET /v1/formats", h.formats)
	return h, nil
}

// ServeHTTP implements http.Handler: authentication, then routing.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if len(h.tokens) > 0 && !h.tokens.allows(r.Header.Get("Authorization")) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="wirestream-ingest"`)
		writeJSON(w, http.StatusUnauthorized, errorBody{Error: "missing or invalid bearer token"})
		return
	}
	h.mux.ServeHTTP(w, r)
}

// errorBody is the JSON body of a failed request.
type errorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// ItemResult is the outcome of one item of a request.
type ItemResult struct {
	Index   int    `json:"index"`
	ID      string `json:"id,omitempty"`
	Version int64  `json:"version,omitempty"`
	Status  string `json:"status"`
	Error   string `json:"error,omitempty"`
	Field   string `json:"field,omitempty"`
}

// BatchResponse is the JSON body answering a batch.
type BatchResponse struct {
	Results     []ItemResult `json:"results"`
	Accepted    int          `json:"accepted"`
	Rejected    int          `json:"rejected"`
	Unavailable int          `json:"unavailable,omitempty"`
	Skipped     int          `json:"skipped,omitempty"`
	TraceID     string       `json:"trace_id"`
}

// SingleResponse is the JSON body answering a single-article request.
type SingleResponse struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	Status  string `json:"status"`
	TraceID string `json:"trace_id"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client may have gone; nothing useful to do
}

// request holds what both POST routes read from a request.
type request struct {
	body        []byte
	source      string
	contentType string
	format      article.Format // forced by ?format=, else empty
	traceID     string
}

// readRequest reads the body under limit and the common parameters. On
// failure it has already written the response.
func (h *Handler) readRequest(w http.ResponseWriter, r *http.Request, limit int64) (*request, bool) {
	req := &request{
		source:      strings.TrimSpace(r.URL.Query().Get("source")),
		contentType: r.Header.Get("Content-Type"),
		traceID:     r.Header.Get(HeaderTraceID),
	}
	if req.source == "" {
		req.source = strings.TrimSpace(r.Header.Get(HeaderSource))
	}
	if !publish.ValidTraceID(req.traceID) {
		req.traceID = publish.NewTraceID()
	}
	w.Header().Set(HeaderTraceID, req.traceID)
	if f := r.URL.Query().Get("format"); f != "" {
		req.format = article.Format(f)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: fmt.Sprintf("request body over the %d-byte limit", limit), Field: "$"})
			return nil, false
		}
		writeJSON(w, http.StatusBadRequest, errorBody{Error: "reading request body: " + err.Error()})
		return nil, false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		writeJSON(w, http.StatusBadRequest, errorBody{Error: "empty request body", Field: "$"})
		return nil, false
	}
	req.body = body
	return req, true
}

// isNDJSON reports whether the declared content type is newline-delimited
// JSON.
func isNDJSON(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines":
		return true
	}
	return false
}

// detect returns the format of the document: forced, declared or sniffed.
func detect(req *request, data []byte) (article.Format, *errorBody) {
	if req.format != "" {
		if !req.format.Valid() {
			return "", &errorBody{Error: fmt.Sprintf("format %q is not one of %v", req.format, article.Formats), Field: "format"}
		}
		return req.format, nil
	}
	f, err := formats.Detect(data, "", req.contentType)
	if err != nil {
		return "", &errorBody{Error: "cannot tell the format of the document (set Content-Type or ?format=): " + err.Error(), Field: "format"}
	}
	return f, nil
}

// fieldOf returns the field an error names, or def.
func fieldOf(err error, def string) string {
	if f := article.FirstField(err); f != "" {
		return f
	}
	return def
}

// parseDoc parses one document into item results.
func (h *Handler) parseDoc(req *request, data []byte, f article.Format, now time.Time) ([]formats.Result, *errorBody) {
	results, err := formats.ParseItems(data, formats.Options{Source: req.source, ContentType: req.contentType, Now: now, Format: f})
	if err != nil {
		return nil, &errorBody{Error: fmt.Sprintf("parse %s: %v", f, err), Field: fieldOf(err, "$")}
	}
	for i := range results {
		if results[i].Err == nil && results[i].Article == nil {
			results[i].Err = errors.New("parser returned no article")
		}
		if results[i].Err == nil {
			results[i].Err = results[i].Article.Validate()
		}
	}
	return results, nil
}

// publishStatus maps a publish error to an HTTP status and message.
func (h *Handler) publishStatus(w http.ResponseWriter, err error) (int, string) {
	switch {
	case errors.Is(err, publish.ErrUnavailable):
		w.Header().Set("Retry-After", strconv.Itoa(int((h.opts.RetryAfter+time.Second-1)/time.Second)))
		return http.StatusServiceUnavailable, "kafka unavailable, nothing acknowledged: retry later"
	case errors.Is(err, publish.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, err.Error()
	case errors.Is(err, publish.ErrRejected):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, context.Canceled):
		return 499, "request cancelled"
	}
	return http.StatusInternalServerError, "publish failed: " + err.Error()
}

func (h *Handler) single(w http.ResponseWriter, r *http.Request) {
	req, ok := h.readRequest(w, r, h.opts.MaxBodyBytes)
	if !ok {
		return
	}
	f, ebody := detect(req, req.body)
	if ebody != nil {
		writeJSON(w, http.StatusBadRequest, ebody)
		return
	}
	results, ebody := h.parseDoc(req, req.body, f, h.opts.Now().UTC())
	if ebody != nil {
		writeJSON(w, http.StatusBadRequest, ebody)
		return
	}
	switch len(results) {
	case 0:
		writeJSON(w, http.StatusBadRequest, errorBody{Error: "the document holds no article", Field: "$"})
		return
	case 1:
	default:
		writeJSON(w, http.StatusBadRequest, errorBody{Error: fmt.Sprintf("the document holds %d articles: send it to /v1/articles:batch", len(results)), Field: "$"})
		return
	}
	if err := results[0].Err; err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Error: err.Error(), Field: fieldOf(err, "$")})
		return
	}
	a := results[0].Article
	publish.StampTrace([]*article.Article{a}, req.traceID)
	if err := h.pub.Publish(r.Context(), []*article.Article{a}); err != nil {
		code, msg := h.publishStatus(w, err)
		h.log.Warn("publish failed", zap.String("trace.id", req.traceID), zap.String("article.id", a.ID), zap.Int("http.status", code), zap.Error(err))
		writeJSON(w, code, errorBody{Error: msg})
		return
	}
	h.log.Debug("article accepted", zap.String("trace.id", req.traceID), zap.String("article.id", a.ID), zap.Int64("article.version", a.Version), zap.String("format", string(a.Format)))
	writeJSON(w, http.StatusAccepted, SingleResponse{ID: a.ID, Version: a.Version, Status: StatusAccepted, TraceID: req.traceID})
}

// splitNDJSON returns the non-blank lines of data and their 0-based line
// numbers.
func splitNDJSON(data []byte) (lines [][]byte, numbers []int) {
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		lines = append(lines, line)
		numbers = append(numbers, n)
	}
	return lines, numbers
}

func (h *Handler) batch(w http.ResponseWriter, r *http.Request) {
	req, ok := h.readRequest(w, r, h.opts.MaxBatchBytes)
	if !ok {
		return
	}
	now := h.opts.Now().UTC()
	var results []formats.Result
	if isNDJSON(req.contentType) || req.format == "ndjson" {
		lines, _ := splitNDJSON(req.body)
		if len(lines) > h.opts.MaxBatchItems {
			writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: fmt.Sprintf("%d items, over the %d-item limit", len(lines), h.opts.MaxBatchItems), Field: "$"})
			return
		}
		results = h.parseLines(req, lines, now)
	} else {
		f, ebody := detect(req, req.body)
		if ebody != nil {
			writeJSON(w, http.StatusBadRequest, ebody)
			return
		}
		results, ebody = h.parseDoc(req, req.body, f, now)
		if ebody != nil {
			writeJSON(w, http.StatusBadRequest, ebody)
			return
		}
		if len(results) > h.opts.MaxBatchItems {
			writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: fmt.Sprintf("%d items, over the %d-item limit", len(results), h.opts.MaxBatchItems), Field: "$"})
			return
		}
	}
	if len(results) == 0 {
		writeJSON(w, http.StatusBadRequest, errorBody{Error: "the batch holds no article", Field: "$"})
		return
	}
	resp := h.publishBatch(r.Context(), w, req.traceID, results)
	code := http.StatusAccepted
	switch {
	case resp.Unavailable > 0:
		code = http.StatusServiceUnavailable
	case resp.Accepted == 0 && resp.Rejected > 0:
		code = http.StatusBadRequest
	case resp.Accepted == 0:
		code = http.StatusOK // every item was skipped: nothing to publish
	case resp.Rejected > 0:
		code = http.StatusMultiStatus
	}
	h.log.Debug("batch handled", zap.String("trace.id", req.traceID), zap.Int("accepted", resp.Accepted), zap.Int("rejected", resp.Rejected), zap.Int("unavailable", resp.Unavailable))
	writeJSON(w, code, resp)
}

// parseLines parses NDJSON lines, each one wirestream JSON article, on up
// to GOMAXPROCS goroutines.
func (h *Handler) parseLines(req *request, lines [][]byte, now time.Time) []formats.Result {
	results := make([]formats.Result, len(lines))
	workers := min(runtime.GOMAXPROCS(0), (len(lines)+63)/64)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(lines) {
					return
				}
				items, ebody := h.parseDoc(req, lines[i], article.FormatJSON, now)
				switch {
				case ebody != nil:
					results[i] = formats.Result{Index: i, Err: &article.FieldError{Field: ebody.Field, Reason: ebody.Error}}
				case len(items) != 1:
					results[i] = formats.Result{Index: i, Err: fmt.Errorf("line holds %d articles, want 1", len(items))}
				default:
					results[i] = items[0]
					results[i].Index = i
				}
			}
		}()
	}
	wg.Wait()
	return results
}

// publishBatch publishes the valid items of results and fills in every
// item's outcome.
func (h *Handler) publishBatch(ctx context.Context, w http.ResponseWriter, traceID string, results []formats.Result) BatchResponse {
	resp := BatchResponse{Results: make([]ItemResult, len(results)), TraceID: traceID}
	var valid []*article.Article
	var where []int
	for i, res := range results {
		out := ItemResult{Index: i}
		if res.Article != nil {
			out.ID, out.Version = res.Article.ID, res.Article.Version
		}
		switch {
		case res.Skipped():
			out.Status, out.Error = StatusSkipped, res.Err.Error()
		case res.Err != nil:
			out.Status, out.Error, out.Field = StatusRejected, res.Err.Error(), fieldOf(res.Err, "")
		default:
			valid = append(valid, res.Article)
			where = append(where, i)
		}
		resp.Results[i] = out
	}
	publish.StampTrace(valid, traceID)
	var err error
	if len(valid) > 0 {
		err = h.pub.Publish(ctx, valid)
		if err != nil {
			h.log.Warn("batch publish failed", zap.String("trace.id", traceID), zap.Int("articles", len(valid)), zap.Error(err))
		}
	}
	unavailable := false
	for j, i := range where {
		e := publish.ItemError(err, j, len(valid))
		switch {
		case e == nil:
			resp.Results[i].Status = StatusAccepted
		case errors.Is(e, publish.ErrRejected):
			resp.Results[i].Status, resp.Results[i].Error = StatusRejected, e.Error()
		default:
			resp.Results[i].Status, resp.Results[i].Error = StatusUnavailable, e.Error()
			unavailable = true
		}
	}
	if unavailable {
		h.publishStatus(w, publish.ErrUnavailable) // sets Retry-After
	}
	for _, res := range resp.Results {
		switch res.Status {
		case StatusAccepted:
			resp.Accepted++
		case StatusRejected:
			resp.Rejected++
		case StatusSkipped:
			resp.Skipped++
		default:
			resp.Unavailable++
		}
	}
	return resp
}

// FormatsResponse is the JSON body of GET /v1/formats.
type FormatsResponse struct {
	Formats []article.Format `json:"formats"`
	Batch   []string         `json:"batch_content_types"`
}

func (h *Handler) formats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, FormatsResponse{Formats: article.Formats, Batch: []string{"application/x-ndjson"}})
}
