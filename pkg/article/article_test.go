package article

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func validArticle() *Article {
	a := &Article{
		SchemaVersion: SchemaVersion,
		Version:       2,
		Source:        "wirestream-test",
		SourceGUID:    "urn:test:1",
		Headline:      "Ministers meet in Moscow",
		Body:          "Talks began on Thursday.\n\n“We are ready,” he said.",
		IngestedAt:    time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC),
		Status:        StatusUsable,
		Format:        FormatJSON,
	}
	a.AssignID()
	return a
}

func TestDecodeNamesTheField(t *testing.T) {
	good, err := Marshal(validArticle())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(good); err != nil {
		t.Fatalf("valid article rejected: %v", err)
	}
	cases := []struct {
		name, json, field string
	}{
		{"wrong type", strings.Replace(string(good), `"version":2`, `"version":"two"`, 1), "version"},
		{"missing id", strings.Replace(string(good), `"id":"`, `"xid":"`, 1), "id"},
		{"bad status", strings.Replace(string(good), `"status":"usable"`, `"status":"killed"`, 1), "status"},
		{"bad format", strings.Replace(string(good), `"format":"wirestream-json"`, `"format":"fax"`, 1), "format"},
		{"zero version", strings.Replace(string(good), `"version":2`, `"version":0`, 1), "version"},
		{"no source", strings.Replace(string(good), `"source":"wirestream-test"`, `"source":""`, 1), "source"},
		{"urgency", strings.Replace(string(good), `"status"`, `"urgency":12,"status"`, 1), "urgency"},
		{"newer schema", strings.Replace(string(good), `"schema_version":1`, `"schema_version":99`, 1), "schema_version"},
		{"malformed", `{"id": `, "$"},
		{"trailing", string(good) + `{}`, "$"},
		{"entity offsets", strings.Replace(string(good), `"status"`, `"entities":[{"name":"X","type":"PER","count":1,"salience":1,"mentions":[{"text":"X","start":5,"end":900}]}],"status"`, 1), "entities[0].mentions[0]"},
		{"entity type", strings.Replace(string(good), `"status"`, `"entities":[{"name":"X","type":"PERSON","count":1,"salience":1,"mentions":[]}],"status"`, 1), "entities[0].type"},
		{"quote spans", strings.Replace(string(good), `"status"`, `"quotes":[{"text":"x","type":"direct","spans":[],"speaker":null}],"status"`, 1), "quotes[0].spans"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode([]byte(c.json))
			if err == nil {
				t.Fatal("accepted")
			}
			if got := FirstField(err); got != c.field {
				t.Errorf("error %q names field %q, want %q", err, got, c.field)
			}
		})
	}
}

func TestIDs(t *testing.T) {
	if ID("ap", "urn:1") != ID(" ap ", "urn:1") {
		t.Error("ID must ignore surrounding space")
	}
	if ID("ap", "urn:1") == ID("reuters", "urn:1") {
		t.Error("ID must depend on source")
	}
	a := ContentID("s", "Headline", "Body  text\n\nmore")
	b := ContentID("s", "headline", "body text more")
	if a != b {
		t.Error("ContentID must ignore case and white space")
	}
	if a == ContentID("s", "headline", "other body") {
		t.Error("ContentID must depend on body")
	}
	if len(a) != 32 {
		t.Errorf("id length %d", len(a))
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	a := validArticle()
	a.Entities = []Entity{{Name: "Sergey Lavrov", Type: TypePerson, Count: 1, Salience: 0.5, Mentions: []Mention{{Text: "Lavrov", Start: 0, End: 6}}}}
	a.Quotes = []Quote{{Text: "We are ready", Type: QuoteDirect, Spans: []Span{{Start: 27, End: 39}}}}
	data, err := Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"speaker":null`) {
		t.Errorf("unresolved speaker must be null: %s", data)
	}
	if strings.Contains(string(data), `\u201c`) {
		t.Errorf("quote marks escaped: %s", data)
	}
	b, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if b.Body != a.Body || b.Entities[0].Mentions[0].End != 6 {
		t.Errorf("round trip changed the article: %+v", b)
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := Marshal(validArticle())
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"quotes":[{"spans":[{"start":-1,"end":99999}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Decode(data)
		if err == nil && a.Validate() != nil {
			t.Fatal("Decode accepted an invalid article")
		}
		// Where encoding/json accepts the input, the fast path must give
		// the same article.
		if std, serr := stdUnmarshal(data); serr == nil {
			fast, ferr := Unmarshal(data)
			if ferr != nil || !reflect.DeepEqual(fast, std) {
				t.Fatalf("fast decode differs from encoding/json: %v", ferr)
			}
		}
	})
}

// stdUnmarshal decodes with encoding/json only, the reference for the fast
// path in Unmarshal.
func stdUnmarshal(data []byte) (*Article, error) {
	var a Article
	err := json.Unmarshal(data, &a)
	return &a, err
}

// TestFastDecodeMatchesStandard: the segmentio decoder used by Unmarshal
// gives the same article as encoding/json.
func TestFastDecodeMatchesStandard(t *testing.T) {
	a := validArticle()
	a.PublishedAt = time.Date(2026, 11, 26, 9, 30, 0, 123, time.FixedZone("MSK", 3*3600))
	a.Subjects = []string{"politics"}
	a.Urgency = 3
	a.Entities = []Entity{{Name: "Сергей Лавров", Type: TypePerson, Role: "minister", Count: 2, Salience: 0.75,
		Mentions: []Mention{{Text: "Лавров", Start: 0, End: 6}, {Text: "he", Start: 10, End: 12}}}}
	a.Quotes = []Quote{
		{Text: "We are ready", Type: QuoteDirect, Spans: []Span{{Start: 27, End: 39}}, Speaker: &Speaker{Name: "Сергей Лавров", Type: TypePerson},
			SpeakerMention: &Mention{Text: "he", Start: 10, End: 12}, Cue: &Mention{Text: "said", Start: 13, End: 17}},
		{Text: "x", Type: QuoteNonSpeech, Spans: []Span{{Start: 1, End: 2}}},
	}
	a.Enrichment = &Enrichment{Model: "m", Version: "v", EnrichedAt: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	data, err := Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	std, err := stdUnmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fast, std) {
		t.Errorf("fast decode differs:\nfast %+v\nstd  %+v", fast, std)
	}
}
