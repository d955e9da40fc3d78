package esindex

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestSearchBody(t *testing.T) {
	since := time.Date(2016, 7, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		req     SearchRequest
		has     []string // fragments the JSON must contain
		hasNot  []string
		size    float64
		ordered bool // sorted by time rather than score
	}{
		{"empty lists latest", SearchRequest{}, []string{`"match_all"`, `"status":"usable"`}, []string{"simple_query_string", "highlight"}, 10, true},
		{"full text over headline, body and quotes", SearchRequest{Query: "Al-Nusra", Size: 5},
			[]string{`"headline^2"`, `"body"`, `"path":"quotes"`, `"quotes.text"`, `"default_operator":"and"`, `"highlight"`}, []string{`"sort"`}, 5, false},
		{"entity filters", SearchRequest{Person: "Sergey Lavrov", Org: "UN", Place: "Moscow"},
			[]string{`{"term":{"entities.person":"Sergey Lavrov"}}`, `{"term":{"entities.organization":"UN"}}`, `{"term":{"entities.location":"Moscow"}}`}, nil, 10, true},
		{"speaker", SearchRequest{Speaker: "Sergey Lavrov"}, []string{`"quotes.speaker":"Sergey Lavrov"`, `"speaker_quotes"`}, nil, 10, true},
		{"since", SearchRequest{Since: since}, []string{`"published_at":{"gte":"2016-07-01T00:00:00Z"}`}, nil, 10, true},
		{"size capped", SearchRequest{Size: 5000}, nil, nil, 100, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := SearchBody(c.req)
			raw, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			s := string(raw)
			for _, h := range c.has {
				if !strings.Contains(s, h) {
					t.Errorf("body lacks %s:\n%s", h, s)
				}
			}
			for _, h := range c.hasNot {
				if strings.Contains(s, h) {
					t.Errorf("body has %s:\n%s", h, s)
				}
			}
			var back map[string]any
			_ = json.Unmarshal(raw, &back)
			if back["size"] != c.size {
				t.Errorf("size %v, want %v", back["size"], c.size)
			}
			if _, sorted := back["sort"]; sorted != c.ordered {
				t.Errorf("sorted by time = %v, want %v", sorted, c.ordered)
			}
		})
	}
}

const cannedSearch = `{"hits":{"total":{"value":1,"relation":"eq"},"hits":[{"_score":3.5,
"_source":{"id":"km","version":2,"headline":"Kerry to Moscow","source":"wire","url":"https://example.org/km","published_at":"2016-07-14T08:30:00.000Z",
"entities":{"person":["Sergey Lavrov","John Kerry"],"organization":["Al-Nusra Front"],"location":["Moscow"]}},
"highlight":{"headline":["Kerry to \u0002Moscow\u0003"],"body":["talks in \u0002Moscow\u0003 on Thursday"]},
"inner_hits":{"text_quotes":{"hits":{"hits":[{"_source":{"text":"Al-Nusra Front is disguising itself","speaker":"Sergey Lavrov"},
"highlight":{"quotes.text":["\u0002Al\u0003-\u0002Nusra\u0003 Front is disguising itself"]}}]}},
"speaker_quotes":{"hits":{"hits":[{"_source":{"text":"Al-Nusra Front is disguising itself","speaker":"Sergey Lavrov"}}]}}}}]}}`

func TestParseAndPrintResults(t *testing.T) {
	res, err := parseSearch([]byte(cannedSearch))
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Hits) != 1 {
		t.Fatalf("result %+v", res)
	}
	h := res.Hits[0]
	if h.ID != "km" || h.Version != 2 || h.Score != 3.5 || !h.PublishedAt.Equal(time.Date(2016, 7, 14, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("hit %+v", h)
	}
	if len(h.Quotes) != 1 {
		t.Fatalf("quotes %+v: the same quote from both inner hits must appear once", h.Quotes)
	}
	var out strings.Builder
	if err := PrintResults(&out, res); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"1 stories", "1. Kerry to «Moscow»", "2016-07-14 08:30 UTC", "people: Sergey Lavrov, John Kerry",
		"organisations: Al-Nusra Front", "places: Moscow", "… talks in «Moscow» on Thursday …",
		"“«Al»-«Nusra» Front is disguising itself” — Sergey Lavrov", "https://example.org/km",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func FuzzParseSearch(f *testing.F) {
	f.Add([]byte(cannedSearch))
	f.Add([]byte(`{"hits":{"hits":[{}]}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		res, err := parseSearch(raw)
		if err != nil {
			return
		}
		var out strings.Builder
		if err := PrintResults(&out, res); err != nil {
			t.Fatal(err)
		}
	})
}
