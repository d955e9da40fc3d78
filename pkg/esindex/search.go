package esindex

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
)

// SearchRequest is a search over the read alias. Every set field narrows
// the result; an empty request lists the latest stories. Only usable
// stories are returned: withheld revisions stay indexed (Kibana can show
// them by status) but search leaves them out.
type SearchRequest struct {
	// Alias is the read alias (DefaultPrefix + "-read").
	Alias string
	// Query is full text in simple_query_string syntax, matched against
	// headline (boosted), body and quote text; all words must match.
	Query string
	// Person, Org and Place keep stories naming that entity (exact name).
	Person, Org, Place string
	// Speaker keeps stories quoting that speaker (exact name) and returns
	// the speaker's quotes.
	Speaker string
	// Since keeps stories published at or after this time.
	Since time.Time
	// Size is the number of hits (default 10, at most 100).
	Size int
}

// SearchResult is the answer to a SearchRequest.
type SearchResult struct {
	// Total counts all matching stories (exact up to 10,000).
	Total int64
	Hits  []Hit
}

// Hit is one matching story.
type Hit struct {
	ID          string
	Version     int64
	Score       float64
	Headline    string
	Source      string
	URL         string
	PublishedAt time.Time
	Persons     []string
	Orgs        []string
	Places      []string
	// MarkedHeadline is the headline with matched words between
	// HighlightPre and HighlightPost, or "" when the headline did not match.
	MarkedHeadline string
	// Highlights are body fragments with the matched words marked.
	Highlights []string
	// Quotes are the story's quotes that matched the query or speaker.
	Quotes []QuoteHit
}

// QuoteHit is a quote that matched; Text carries highlight markers when the
// query matched inside it.
type QuoteHit struct {
	Speaker string
	Text    string
}

// Highlight markers placed around matched words.
const (
	HighlightPre  = "\x02"
	HighlightPost = "\x03"
)

// Search runs req against Elasticsearch.
func Search(ctx context.Context, es *elasticsearch.Client, req SearchRequest) (SearchResult, error) {
	alias := req.Alias
	if alias == "" {
		alias = NewLayout("").ReadAlias()
	}
	body := SearchBody(req)
	raw, err := call(ctx, es, http.MethodPost, "/"+url.PathEscape(alias)+"/_search", body)
	if err != nil {
		return SearchResult{}, fmt.Errorf("search %s: %w", alias, err)
	}
	res, err := parseSearch(raw)
	if err != nil {
		return SearchResult{}, fmt.Errorf("search %s: %w", alias, err)
	}
	return res, nil
}

// SearchBody builds the Elasticsearch query for req.
func SearchBody(req SearchRequest) map[string]any {
	size := req.Size
	if size <= 0 {
		size = 10
	}
	size = min(size, 100)
	query := strings.TrimSpace(req.Query)
	quoteHighlight := map[string]any{
		"pre_tags": []string{HighlightPre}, "post_tags": []string{HighlightPost},
		"number_of_fragments": 0,
		"fields":              map[string]any{"quotes.text": map[string]any{}},
	}
	sqs := func(fields ...string) map[string]any {
		return map[string]any{"simple_query_string": map[string]any{
			"query": query, "fields": fields, "default_operator": "and",
		}}
	}
	var must, filter []any
	filter = append(filter, map[string]any{"term": map[string]any{"status": "usable"}})
	if query != "" {
		must = append(must, map[string]any{"bool": map[string]any{
			"minimum_should_match": 1,
			"should": []any{
				sqs("headline^2", "headline.english^2", "body", "body.english"),
				map[string]any{"nested": map[string]any{
					"path":       "quotes",
					"score_mode": "max",
					"query":      sqs("quotes.text", "quotes.text.english"),
					"inner_hits": map[string]any{"name": "text_quotes", "size": 3, "_source": []string{"quotes.text", "quotes.speaker"}, "highlight": quoteHighlight},
				}},
			},
		}})
	}
	if req.Speaker != "" {
		inner := map[string]any{"name": "speaker_quotes", "size": 3, "_source": []string{"quotes.text", "quotes.speaker"}}
		if query != "" {
			// Mark query words inside the speaker's quotes too.
			h := map[string]any{}
			for k, v := range quoteHighlight {
				h[k] = v
			}
			h["highlight_query"] = sqs("quotes.text", "quotes.text.english")
			inner["highlight"] = h
		}
		must = append(must, map[string]any{"nested": map[string]any{
			"path":       "quotes",
			"query":      map[string]any{"term": map[string]any{"quotes.speaker": req.Speaker}},
			"inner_hits": inner,
		}})
	}
	for field, v := range map[string]string{"entities.person": req.Person, "entities.organization": req.Org, "entities.location": req.Place} {
		if v != "" {
			filter = append(filter, map[string]any{"term": map[string]any{field: v}})
		}
	}
	if !req.Since.IsZero() {
		filter = append(filter, map[string]any{"range": map[string]any{"published_at": map[string]any{"gte": req.Since.UTC().Format(time.RFC3339)}}})
	}
	b := map[string]any{
		"size":             size,
		"track_total_hits": 10000,
		"query":            map[string]any{"bool": map[string]any{"must": orMatchAll(must), "filter": filter}},
		"_source":          []string{"id", "version", "headline", "source", "url", "published_at", "entities"},
	}
	if query != "" {
		b["highlight"] = map[string]any{
			"pre_tags": []string{HighlightPre}, "post_tags": []string{HighlightPost},
			"fields": map[string]any{
				"headline": map[string]any{"number_of_fragments": 0},
				"body":     map[string]any{"fragment_size": 160, "number_of_fragments": 2},
			},
		}
	} else {
		b["sort"] = []any{map[string]any{"published_at": "desc"}}
	}
	return b
}

func orMatchAll(must []any) []any {
	if len(must) == 0 {
		return []any{map[string]any{"match_all": map[string]any{}}}
	}
	return must
}

// parseSearch decodes a search answer.
func parseSearch(raw []byte) (SearchResult, error) {
	type innerHits struct {
		Hits struct {
			Hits []struct {
				Source struct {
					Text    string `json:"text"`
					Speaker string `json:"speaker"`
				} `json:"_source"`
				Highlight map[string][]string `json:"highlight"`
			} `json:"hits"`
		} `json:"hits"`
	}
	var r struct {
		Hits struct {
			Total struct {
				Value int64 `json:"value"`
			} `json:"total"`
			Hits []struct {
				Score  *float64 `json:"_score"`
				Source struct {
					ID          string      `json:"id"`
					Version     int64       `json:"version"`
					Headline    string      `json:"headline"`
					Source      string      `json:"source"`
					URL         string      `json:"url"`
					PublishedAt time.Time   `json:"published_at"`
					Entities    DocEntities `json:"entities"`
				} `json:"_source"`
				Highlight map[string][]string  `json:"highlight"`
				InnerHits map[string]innerHits `json:"inner_hits"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return SearchResult{}, fmt.Errorf("decode answer: %w", err)
	}
	res := SearchResult{Total: r.Hits.Total.Value}
	for _, h := range r.Hits.Hits {
		s := h.Source
		hit := Hit{
			ID: s.ID, Version: s.Version, Headline: s.Headline, Source: s.Source, URL: s.URL,
			PublishedAt: s.PublishedAt, Persons: s.Entities.Person, Orgs: s.Entities.Organization, Places: s.Entities.Location,
		}
		if h.Score != nil {
			hit.Score = *h.Score
		}
		if hl := h.Highlight["headline"]; len(hl) > 0 {
			hit.MarkedHeadline = hl[0]
		}
		hit.Highlights = h.Highlight["body"]
		seen := map[string]bool{}
		for _, name := range []string{"text_quotes", "speaker_quotes"} {
			for _, q := range h.InnerHits[name].Hits.Hits {
				text := q.Source.Text
				if hl := q.Highlight["quotes.text"]; len(hl) > 0 {
					text = hl[0]
				}
				if seen[q.Source.Text] {
					continue
				}
				seen[q.Source.Text] = true
				hit.Quotes = append(hit.Quotes, QuoteHit{Speaker: q.Source.Speaker, Text: text})
			}
		}
		res.Hits = append(res.Hits, hit)
	}
	return res, nil
}

// PrintResults writes res for a terminal: per story the headline, time and
// source, the top entities, highlighted fragments and matching quotes.
// Matched words are shown between « and ».
func PrintResults(w io.Writer, res SearchResult) error {
	mark := strings.NewReplacer(HighlightPre, "«", HighlightPost, "»", "\n", " ")
	var b strings.Builder
	fmt.Fprintf(&b, "%d stories\n", res.Total)
	for i, h := range res.Hits {
		headline := h.Headline
		if h.MarkedHeadline != "" {
			headline = h.MarkedHeadline
		}
		fmt.Fprintf(&b, "\n%d. %s\n", i+1, mark.Replace(headline))
		when := "time unknown"
		if !h.PublishedAt.IsZero() {
			when = h.PublishedAt.UTC().Format("2006-01-02 15:04 MST")
		}
		fmt.Fprintf(&b, "   %s · %s · %s v%d\n", when, h.Source, h.ID, h.Version)
		for _, e := range []struct {
			label string
			names []string
		}{{"people", h.Persons}, {"organisations", h.Orgs}, {"places", h.Places}} {
			if len(e.names) > 0 {
				fmt.Fprintf(&b, "   %s: %s\n", e.label, strings.Join(e.names[:min(len(e.names), 5)], ", "))
			}
		}
		for _, f := range h.Highlights {
			fmt.Fprintf(&b, "   … %s …\n", mark.Replace(strings.TrimSpace(f)))
		}
		for _, q := range h.Quotes {
			who := q.Speaker
			if who == "" {
				who = "unattributed"
			}
			fmt.Fprintf(&b, "   “%s” — %s\n", mark.Replace(q.Text), who)
		}
		if h.URL != "" {
			fmt.Fprintf(&b, "   %s\n", h.URL)
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("print results: %w", err)
	}
	return nil
}
