package esindex

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
)

func TestDocument(t *testing.T) {
	pub := time.Date(2016, 7, 14, 10, 30, 0, 123456789, time.FixedZone("MSK", 3*3600))
	ing := time.Date(2016, 7, 14, 8, 0, 0, 0, time.UTC)
	idx := time.Date(2016, 7, 14, 8, 1, 0, 0, time.UTC)
	full := &article.Article{
		SchemaVersion: 1, ID: "abc", Version: 4, Source: "wire", Headline: "H", Body: "B",
		PublishedAt: pub, IngestedAt: ing, Status: article.StatusUsable, Format: article.FormatNinjs,
		Entities: []article.Entity{
			{Name: "Moscow", Type: "LOC", Salience: 0.2},
			{Name: "Sergey Lavrov", Type: "PER", Role: "Foreign Minister", Salience: 0.9},
			{Name: "John Kerry", Type: "PER", Salience: 0.7, Count: 3},
			{Name: "John Kerry", Type: "PER", Salience: 0.1},
			{Name: "Al-Nusra Front", Type: "ORG", Salience: 0.4},
			{Name: "Syrian", Type: "MISC", Salience: 0.1},
			{Name: "  ", Type: "PER", Salience: 1},
		},
		Quotes: []article.Quote{
			{Text: "q1", Type: "direct", Speaker: &article.Speaker{Name: "Sergey Lavrov", Type: "PER"}, Cue: &article.Mention{Text: "Added"}},
			{Text: "q2", Type: "partial", Speaker: &article.Speaker{Name: "Sergey Lavrov", Type: "PER"}},
			{Text: "q3", Type: "direct"},
		},
		Enrichment: &article.Enrichment{Model: "ws-ner", Version: "3", EnrichedAt: ing.Add(time.Second)},
	}
	cases := []struct {
		name  string
		in    *article.Article
		check func(t *testing.T, d *Doc)
	}{
		{"entities by type, most salient first, deduplicated", full, func(t *testing.T, d *Doc) {
			want := DocEntities{Person: []string{"Sergey Lavrov", "John Kerry"}, Organization: []string{"Al-Nusra Front"}, Location: []string{"Moscow"}, Misc: []string{"Syrian"}}
			if !reflect.DeepEqual(d.Entities, want) {
				t.Errorf("entities %+v, want %+v", d.Entities, want)
			}
			if d.EntityCount != 5 {
				t.Errorf("entity_count %d, want 5", d.EntityCount)
			}
			if want := []DocRole{{Name: "Sergey Lavrov", Type: "PER", Role: "Foreign Minister"}}; !reflect.DeepEqual(d.EntityRoles, want) {
				t.Errorf("roles %+v", d.EntityRoles)
			}
		}},
		{"quotes and speakers", full, func(t *testing.T, d *Doc) {
			if d.QuoteCount != 3 || !reflect.DeepEqual(d.QuoteSpeakers, []string{"Sergey Lavrov"}) {
				t.Errorf("quote_count %d speakers %v", d.QuoteCount, d.QuoteSpeakers)
			}
			if q := d.Quotes[0]; q.Speaker != "Sergey Lavrov" || q.SpeakerType != "PER" || q.Cue != "added" || q.Type != "direct" {
				t.Errorf("quote %+v", q)
			}
			if q := d.Quotes[2]; q.Speaker != "" {
				t.Errorf("unattributed quote got speaker %q", q.Speaker)
			}
		}},
		{"times in UTC at millisecond precision", full, func(t *testing.T, d *Doc) {
			if want := time.Date(2016, 7, 14, 7, 30, 0, 123000000, time.UTC); !d.PublishedAt.Equal(want) || d.PublishedAt.Location() != time.UTC {
				t.Errorf("published_at %v, want %v", d.PublishedAt, want)
			}
			if !d.IndexedAt.Equal(idx) || !d.EnrichedAt.Equal(ing.Add(time.Second)) {
				t.Errorf("indexed_at %v enriched_at %v", d.IndexedAt, d.EnrichedAt)
			}
			if d.Enrichment == nil || d.Enrichment.Model != "ws-ner" || d.Enrichment.Version != "3" {
				t.Errorf("enrichment %+v", d.Enrichment)
			}
		}},
		{"published_at falls back to ingested_at", testArticle("raw", 1), func(t *testing.T, d *Doc) {
			if !d.PublishedAt.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
				t.Errorf("published_at %v", d.PublishedAt)
			}
			if d.Enrichment != nil || !d.EnrichedAt.IsZero() || d.QuoteCount != 0 {
				t.Errorf("raw article got enrichment fields: %+v", d)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.check(t, Document(c.in, idx)) })
	}
}

// TestDocumentMatchesStrictMapping fills every field of a document and
// checks each JSON path it writes is in the strict mapping, and every
// mapped field is written by some document: a drift either way would make
// Elasticsearch refuse documents or leave dead fields.
func TestDocumentMatchesStrictMapping(t *testing.T) {
	a := kerryLike()
	a.SourceGUID, a.URL, a.Subheadline, a.Byline, a.Dateline = "g", "https://x", "sub", "by", "MOSCOW"
	a.Language, a.Subjects, a.Keywords, a.Urgency, a.TraceID = "en", []string{"s"}, []string{"k"}, 3, "tr"
	a.UpdatedAt = a.PublishedAt.Add(time.Hour)
	a.Entities = append(a.Entities, article.Entity{Name: "Syrian", Type: "MISC"}, article.Entity{Name: "Baku", Type: "LOC"}, article.Entity{Name: "UN", Type: "ORG"})
	raw, err := json.Marshal(Document(a, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	written := map[string]bool{}
	flattenDoc("", doc, written)
	mapped := MappingFields(Mapping(false))
	for p := range written {
		if _, ok := mapped[p]; !ok {
			t.Errorf("document writes %s, which the strict mapping does not have", p)
		}
	}
	for p, typ := range mapped {
		if !written[p] && typ != "object" && typ != "nested" && !strings.Contains(p, ".keyword") {
			t.Errorf("mapping has %s (%s) that no document writes", p, typ)
		}
	}
	if Mapping(false)["dynamic"] != "strict" {
		t.Error("mapping is not strict")
	}
	if _, ok := MappingFields(Mapping(true))["body.english"]; !ok {
		t.Error("english mapping lacks body.english")
	}
	if _, ok := MappingFields(Mapping(false))["body.english"]; ok {
		t.Error("mapping without analysis-common uses the english analyzer")
	}
}

func flattenDoc(prefix string, v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, vv := range x {
			flattenDoc(join(prefix, k), vv, out)
		}
	case []any:
		for _, vv := range x {
			flattenDoc(prefix, vv, out)
		}
	default:
		out[prefix] = true
	}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func TestEncodeOp(t *testing.T) {
	cases := []struct {
		name    string
		status  article.Status
		wantDel bool
		lines   int
	}{
		{"usable indexes", article.StatusUsable, false, 2},
		{"withheld indexes with its status", article.StatusWithheld, false, 2},
		{"canceled deletes", article.StatusCanceled, true, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := testArticle(`we"ird/id`, 12)
			a.Status = c.status
			var buf bytes.Buffer
			del, err := encodeOp(&buf, a, time.Now())
			if err != nil || del != c.wantDel {
				t.Fatalf("encodeOp = %v, %v", del, err)
			}
			lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if len(lines) != c.lines {
				t.Fatalf("%d lines: %q", len(lines), buf.String())
			}
			var action map[string]map[string]any
			if err := json.Unmarshal([]byte(lines[0]), &action); err != nil {
				t.Fatalf("action line %s: %v", lines[0], err)
			}
			verb := "index"
			if c.wantDel {
				verb = "delete"
			}
			meta := action[verb]
			if meta["_id"] != `we"ird/id` || meta["version"] != 12.0 || meta["version_type"] != "external_gte" {
				t.Errorf("action %s", lines[0])
			}
		})
	}
}

func TestMappingFieldsSorted(t *testing.T) {
	var names []string
	for p := range MappingFields(Mapping(false)) {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, want := range []string{"entities.person", "quotes.speaker", "quote_speakers", "headline.keyword", "published_at"} {
		if i := sort.SearchStrings(names, want); i == len(names) || names[i] != want {
			t.Errorf("mapping lacks %s", want)
		}
	}
}

func kerryLike() *article.Article {
	t0 := time.Date(2016, 7, 14, 8, 30, 0, 0, time.UTC)
	return &article.Article{
		SchemaVersion: 1, ID: "km", Version: 2, Source: "wire", Headline: "Kerry to Moscow",
		Body: "Lavrov said: “Al-Nusra Front is disguising itself.”", PublishedAt: t0, IngestedAt: t0,
		Status: article.StatusUsable, Format: article.FormatText,
		Entities: []article.Entity{
			{Name: "Sergey Lavrov", Type: "PER", Role: "Foreign Minister", Salience: 0.9},
			{Name: "Moscow", Type: "LOC"},
			{Name: "Al-Nusra Front", Type: "ORG"},
		},
		Quotes: []article.Quote{{Text: "Al-Nusra Front is disguising itself.", Type: "direct",
			Speaker: &article.Speaker{Name: "Sergey Lavrov", Type: "PER"}, Cue: &article.Mention{Text: "said"}}},
		Enrichment: &article.Enrichment{Model: "m", Version: "1", EnrichedAt: t0},
	}
}
