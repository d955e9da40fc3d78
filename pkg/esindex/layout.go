package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/elastic/go-elasticsearch/v8"
)

// DefaultPrefix is the default name of the write alias; the read alias,
// templates and concrete indices are named after it.
const DefaultPrefix = "wirestream-articles"

// IndexGeneration is the suffix of the concrete index Setup creates. Raise it
// together with a mapping change that needs a reindex (see the package doc).
const IndexGeneration = 1

// templatePriority is the priority of the index template; it is above the
// priorities Elastic's own templates use so "P-*" always takes ours.
const templatePriority = 200

// Layout names every object of one article index layout.
type Layout struct {
	// Prefix is the write alias and the stem of every other name.
	Prefix string
}

// NewLayout returns the layout for prefix, or for DefaultPrefix when prefix
// is empty.
func NewLayout(prefix string) Layout {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return Layout{Prefix: prefix}
}

// WriteAlias is the alias writers index into.
func (l Layout) WriteAlias() string { return l.Prefix }

// ReadAlias is the alias searches and Kibana read from.
func (l Layout) ReadAlias() string { return l.Prefix + "-read" }

// Index is the concrete index of the current generation.
func (l Layout) Index() string { return fmt.Sprintf("%s-v%d", l.Prefix, IndexGeneration) }

// Pattern is the index pattern the index template matches.
func (l Layout) Pattern() string { return l.Prefix + "-*" }

// TemplateName is the name of the composable index template.
func (l Layout) TemplateName() string { return l.Prefix }

// SettingsTemplate is the name of the settings component template.
func (l Layout) SettingsTemplate() string { return l.Prefix + "-settings" }

// MappingsTemplate is the name of the mappings component template.
func (l Layout) MappingsTemplate() string { return l.Prefix + "-mappings" }

// SetupConfig configures Setup.
type SetupConfig struct {
	// Prefix names the layout; empty means DefaultPrefix.
	Prefix string
	// Shards is the number of primary shards of new indices (default 1).
	Shards int
	// Replicas is the number of replicas of new indices (default 0, right
	// for a single node; set 1 or more on a real cluster).
	Replicas int
	// RefreshInterval is index.refresh_interval of new indices (default 1s).
	RefreshInterval string
}

// SetupResult says what Setup found and did.
type SetupResult struct {
	// English is true when the cluster has the english analyzer and the
	// mapping carries english subfields.
	English bool
	// CreatedIndex is true when Setup created the concrete index.
	CreatedIndex bool
	// WriteIndex is the concrete index behind the write alias.
	WriteIndex string
}

// Setup installs the index layout idempotently: it may run at every service
// start and from `index setup`. It puts the component and index templates,
// creates the concrete index with both aliases when the write alias does not
// exist yet, and puts the current mappings on the write index so additive
// changes reach it.
func Setup(ctx context.Context, es *elasticsearch.Client, cfg SetupConfig) (SetupResult, error) {
	l := NewLayout(cfg.Prefix)
	var res SetupResult
	english, err := HasEnglishAnalyzer(ctx, es)
	if err != nil {
		return res, err
	}
	res.English = english
	if _, err := call(ctx, es, http.MethodPut, "/_component_template/"+l.SettingsTemplate(), map[string]any{
		"template": map[string]any{"settings": IndexSettings(cfg)},
		"_meta":    map[string]any{"managed_by": "wirestream"},
	}); err != nil {
		return res, fmt.Errorf("put settings component template: %w", err)
	}
	if _, err := call(ctx, es, http.MethodPut, "/_component_template/"+l.MappingsTemplate(), map[string]any{
		"template": map[string]any{"mappings": Mapping(english)},
		"_meta":    map[string]any{"managed_by": "wirestream", "english": english},
	}); err != nil {
		return res, fmt.Errorf("put mappings component template: %w", err)
	}
	if _, err := call(ctx, es, http.MethodPut, "/_index_template/"+l.TemplateName(), map[string]any{
		"index_patterns": []string{l.Pattern()},
		"composed_of":    []string{l.SettingsTemplate(), l.MappingsTemplate()},
		"priority":       templatePriority,
		"_meta":          map[string]any{"managed_by": "wirestream", "generation": IndexGeneration},
	}); err != nil {
		return res, fmt.Errorf("put index template: %w", err)
	}

	write, err := writeIndex(ctx, es, l.WriteAlias())
	if err != nil {
		return res, err
	}
	if write == "" {
		created, err := createIndex(ctx, es, l)
		if err != nil {
			return res, err
		}
		res.CreatedIndex = created
		if write, err = writeIndex(ctx, es, l.WriteAlias()); err != nil {
			return res, err
		}
		if write == "" {
			return res, fmt.Errorf("write alias %s missing after creating %s", l.WriteAlias(), l.Index())
		}
	}
	res.WriteIndex = write
	if _, err := call(ctx, es, http.MethodPut, "/"+url.PathEscape(write)+"/_mapping", Mapping(english)); err != nil {
		return res, fmt.Errorf("put current mappings on %s (a reindex may be needed, see package doc): %w", write, err)
	}
	return res, nil
}

// createIndex creates the concrete index with both aliases, or adds the
// aliases when the index exists without them. It reports whether it created
// the index.
func createIndex(ctx context.Context, es *elasticsearch.Client, l Layout) (bool, error) {
	aliases := map[string]any{
		l.WriteAlias(): map[string]any{"is_write_index": true},
		l.ReadAlias():  map[string]any{},
	}
	_, err := call(ctx, es, http.MethodPut, "/"+url.PathEscape(l.Index()), map[string]any{"aliases": aliases})
	if err == nil {
		return true, nil
	}
	if !isErrorType(err, "resource_already_exists_exception") {
		return false, fmt.Errorf("create index %s: %w", l.Index(), err)
	}
	// Another instance created it, or an earlier run stopped half-way:
	// make sure the aliases point at it.
	_, err = call(ctx, es, http.MethodPost, "/_aliases", map[string]any{"actions": []any{
		map[string]any{"add": map[string]any{"index": l.Index(), "alias": l.WriteAlias(), "is_write_index": true}},
		map[string]any{"add": map[string]any{"index": l.Index(), "alias": l.ReadAlias()}},
	}})
	if err != nil {
		return false, fmt.Errorf("add aliases to %s: %w", l.Index(), err)
	}
	return false, nil
}

// writeIndex returns the concrete index behind the write alias, or "" when
// the alias does not exist.
func writeIndex(ctx context.Context, es *elasticsearch.Client, alias string) (string, error) {
	body, err := call(ctx, es, http.MethodGet, "/_alias/"+url.PathEscape(alias), nil)
	if err != nil {
		var he *HTTPError
		if asHTTPError(err, &he) && he.Status == http.StatusNotFound {
			return "", nil
		}
		return "", fmt.Errorf("get alias %s: %w", alias, err)
	}
	var got map[string]struct {
		Aliases map[string]struct {
			IsWriteIndex *bool `json:"is_write_index"`
		} `json:"aliases"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		return "", fmt.Errorf("decode alias %s: %w", alias, err)
	}
	var only string
	for index, a := range got {
		meta, ok := a.Aliases[alias]
		if !ok {
			continue
		}
		if meta.IsWriteIndex != nil && *meta.IsWriteIndex {
			return index, nil
		}
		only = index
	}
	if len(got) == 1 {
		return only, nil
	}
	return "", fmt.Errorf("alias %s points at %d indices and none is the write index", alias, len(got))
}

// HasEnglishAnalyzer reports whether the cluster can analyze text with the
// english analyzer (the analysis-common module). The local integ-test
// distribution cannot.
func HasEnglishAnalyzer(ctx context.Context, es *elasticsearch.Client) (bool, error) {
	_, err := call(ctx, es, http.MethodPost, "/_analyze", map[string]any{"analyzer": "english", "text": "running quotes"})
	if err == nil {
		return true, nil
	}
	var he *HTTPError
	if asHTTPError(err, &he) && he.Status == http.StatusBadRequest {
		return false, nil
	}
	return false, fmt.Errorf("probe english analyzer: %w", err)
}

// IndexSettings returns the index settings of the settings component
// template.
func IndexSettings(cfg SetupConfig) map[string]any {
	shards := cfg.Shards
	if shards <= 0 {
		shards = 1
	}
	refresh := cfg.RefreshInterval
	if refresh == "" {
		refresh = "1s"
	}
	return map[string]any{
		"index": map[string]any{
			"number_of_shards":   shards,
			"number_of_replicas": max(cfg.Replicas, 0),
			"refresh_interval":   refresh,
			// Keep delete tombstones long enough that an older revision
			// replayed after a cancellation is still refused.
			"gc_deletes": "24h",
			// Stories name many entities; keep the default field limit
			// meaningful under dynamic: strict.
			"mapping": map[string]any{"total_fields": map[string]any{"limit": 200}},
		},
	}
}

// Mapping returns the document mapping. With english, headline, body and
// quote text get an "english" subfield analysed with the english analyzer.
// The mapping is strict: a document field not listed here is refused.
func Mapping(english bool) map[string]any {
	kw := map[string]any{"type": "keyword"}
	date := map[string]any{"type": "date"}
	text := func(keyword bool) map[string]any {
		m := map[string]any{"type": "text"}
		fields := map[string]any{}
		if keyword {
			fields["keyword"] = map[string]any{"type": "keyword", "ignore_above": 1024}
		}
		if english {
			fields["english"] = map[string]any{"type": "text", "analyzer": "english"}
		}
		if len(fields) > 0 {
			m["fields"] = fields
		}
		return m
	}
	return map[string]any{
		"dynamic": "strict",
		"_meta":   map[string]any{"generation": IndexGeneration},
		"properties": map[string]any{
			"id":             kw,
			"version":        map[string]any{"type": "long"},
			"schema_version": map[string]any{"type": "integer"},
			"source":         kw,
			"source_guid":    kw,
			"url":            kw,
			"headline":       text(true),
			"subheadline":    text(false),
			"byline":         text(true),
			"dateline":       text(true),
			"body":           text(false),
			"language":       kw,
			"subjects":       kw,
			"keywords":       kw,
			"urgency":        map[string]any{"type": "byte"},
			"status":         kw,
			"format":         kw,
			"trace_id":       kw,
			"published_at":   date,
			"updated_at":     date,
			"ingested_at":    date,
			"enriched_at":    date,
			"indexed_at":     date,
			"entities": map[string]any{"properties": map[string]any{
				"person":       kw,
				"organization": kw,
				"location":     kw,
				"misc":         kw,
			}},
			"entity_roles": map[string]any{"properties": map[string]any{
				"name": kw,
				"type": kw,
				"role": kw,
			}},
			"entity_count": map[string]any{"type": "integer"},
			"quotes": map[string]any{"type": "nested", "properties": map[string]any{
				"text":         text(false),
				"type":         kw,
				"speaker":      kw,
				"speaker_type": kw,
				"cue":          kw,
			}},
			"quote_speakers": kw,
			"quote_count":    map[string]any{"type": "integer"},
			"enrichment": map[string]any{"properties": map[string]any{
				"model":   kw,
				"version": kw,
			}},
		},
	}
}

// HTTPError is a non-2xx answer from Elasticsearch.
type HTTPError struct {
	Status int
	// Type and Reason come from the error object of the answer, if any.
	Type, Reason string
	Body         string
}

// Error implements error.
func (e *HTTPError) Error() string {
	if e.Type != "" {
		return fmt.Sprintf("elasticsearch %d: %s: %s", e.Status, e.Type, e.Reason)
	}
	return fmt.Sprintf("elasticsearch %d: %s", e.Status, truncate(e.Body, 300))
}

func asHTTPError(err error, target **HTTPError) bool { return errors.As(err, target) }

func isErrorType(err error, typ string) bool {
	var he *HTTPError
	return asHTTPError(err, &he) && he.Type == typ
}

// call sends one JSON request through the client and returns the body of a
// 2xx answer, or an *HTTPError.
func call(ctx context.Context, es *elasticsearch.Client, method, path string, body any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, path, rd)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := es.Perform(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, newHTTPError(resp.StatusCode, out)
	}
	return out, nil
}

// newHTTPError decodes the {"error":{"type","reason"}} object of an answer.
func newHTTPError(status int, body []byte) *HTTPError {
	he := &HTTPError{Status: status, Body: string(body)}
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && len(e.Error) > 0 {
		var obj ItemError
		if json.Unmarshal(e.Error, &obj) == nil && obj.Type != "" {
			he.Type, he.Reason = obj.Type, obj.Reason
		} else {
			he.Reason = strings.Trim(string(e.Error), `"`)
		}
	}
	return he
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// MappingFields flattens a mapping into field paths ("quotes.speaker",
// "headline.keyword") and their types; object and nested fields are listed
// with type "object" and "nested".
func MappingFields(mapping map[string]any) map[string]string {
	out := map[string]string{}
	var walk func(prefix string, props map[string]any)
	walk = func(prefix string, props map[string]any) {
		for name, v := range props {
			field, _ := v.(map[string]any)
			path := name
			if prefix != "" {
				path = prefix + "." + name
			}
			typ, _ := field["type"].(string)
			if sub, ok := field["properties"].(map[string]any); ok {
				if typ == "" {
					typ = "object"
				}
				walk(path, sub)
			}
			out[path] = typ
			if multi, ok := field["fields"].(map[string]any); ok {
				for sub, sv := range multi {
					st, _ := sv.(map[string]any)["type"].(string)
					out[path+"."+sub] = st
				}
			}
		}
	}
	props, _ := mapping["properties"].(map[string]any)
	walk("", props)
	return out
}
