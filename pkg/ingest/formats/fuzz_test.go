package formats

import (
	"errors"
	"testing"

	"github.com/wirestream/wirestream/pkg/article"
)

// fuzzParse parses data as format f and checks that nothing escapes the
// contract: errors are *ParseError, articles are valid.
func fuzzParse(t *testing.T, data []byte, f article.Format) {
	res, err := ParseItems(data, Options{Now: testNow, Format: f, Limits: Limits{MaxItems: 100, MaxDepth: 32}})
	var pe *ParseError
	if err != nil {
		if !errors.As(err, &pe) {
			t.Fatalf("error is not a *ParseError: %v", err)
		}
		return
	}
	for _, r := range res {
		if r.Err != nil {
			if !errors.As(r.Err, &pe) {
				t.Fatalf("item error is not a *ParseError: %v", r.Err)
			}
			if r.Article != nil {
				t.Fatal("result has both an article and an error")
			}
			continue
		}
		if r.Article == nil {
			t.Fatal("result without article or error")
		}
		if err := r.Article.Validate(); err != nil {
			t.Fatalf("invalid article: %v", err)
		}
		if _, err := article.Marshal(r.Article); err != nil {
			t.Fatalf("article does not marshal: %v", err)
		}
	}
}

// seed adds example stories and literal seeds to a fuzz corpus.
func seed(f *testing.F, files []string, literals ...string) {
	for _, name := range files {
		f.Add(story(f, name))
	}
	for _, l := range literals {
		f.Add([]byte(l))
	}
}

func FuzzNewsMLG2(f *testing.F) {
	seed(f, []string{"moscow-talks.newsml.xml", "moscow-talks-cancel.newsml.xml", "newsmessage.newsml.xml"},
		g2("<headline>H</headline>", `<inlineData>x</inlineData>`), `<newsMessage><itemSet><newsItem guid="a"/></itemSet></newsMessage>`)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, article.FormatNewsMLG2) })
}

// smallNITF is a compact NITF seed. Compact seeds keep the fuzzing engine
// fuzzing: with multi-kilobyte seeds its worker spends the run minimising
// interesting inputs (each call snapshots coverage), so run the fuzzers with
// -fuzzminimizetime=10x, e.g.
//
//	go test ./pkg/ingest/formats -run XXX -fuzz '^FuzzNewsMLG2$' -fuzztime=20s -fuzzminimizetime=10x
const smallNITF = `<nitf><head><docdata><doc-id id-string="x"/></docdata></head><body><body.head><hedline><hl1>H</hl1></hedline></body.head><body.content><p>a &amp; b</p></body.content></body></nitf>`

func FuzzNITF(f *testing.F) {
	seed(f, nil, smallNITF, `<nitf><head><docdata><du-key version="x"/></docdata></head></nitf>`)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, article.FormatNITF) })
}

func FuzzNinjs(f *testing.F) {
	seed(f, []string{"grain-deal.ninjs.json", "flood-warning.ninjs1.json"}, `[{"uri":"u","bodies":[{"role":"nitf","value":"<nitf/>"}]}]`, "{\"uri\":\"a\"}\n{\"uri\":\"b\"}")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, article.FormatNinjs) })
}

func FuzzFeed(f *testing.F) {
	seed(f, []string{"world-news.rss.xml", "science.atom.xml"}, `<entry><title type="xhtml"><div>t</div></title></entry>`)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, article.FormatRSS) })
}

func FuzzANPA(f *testing.F) {
	seed(f, []string{"moscow-talks.anpa", "moscow-talks-1stld.anpa"}, "\x01a0001 r i BC-X Kill 11-26\n\x02^H\n\x03")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, article.FormatANPA) })
}

func FuzzIPTC7901(f *testing.F) {
	seed(f, []string{"moscow-talks.7901", "moscow-talks-correction.7901"}, "ZCZC\nab0001 1 pol 1\nK/\n(Update 3)\nH\nI\nJ\nNNNN\n")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, article.FormatIPTC7901) })
}

func FuzzJSON(f *testing.F) {
	seed(f, []string{"articles.ndjson"}, `{"headline":"h","entities":[{"name":"X","type":"PER","mentions":[{"start":0,"end":9}]}]}`)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, article.FormatJSON) })
}

func FuzzText(f *testing.F) {
	seed(f, []string{"kiosk-notice.txt"}, "<!DOCTYPE html><title>T</title><h1>H</h1><p>b")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, article.FormatText) })
}

// FuzzDetect checks that detection never panics and that whatever it picks
// parses without panics or invalid articles.
func FuzzDetect(f *testing.F) {
	seed(f, nil, smallNITF, g2("<headline>H</headline>", `<inlineData>x</inlineData>`),
		`{"uri":"u","headlines":[{"role":"main","value":"h"}]}`, `{"source_guid":"g","headline":"h"}`,
		`<rss><channel><item><title>t</title></item></channel></rss>`, `<feed><entry><title>t</title></entry></feed>`,
		"\x01a0001 r i BC-X 11-26\n\x02^H\n   Body.\n\x03", "\x01ab0001 3 pol 12\n\x02K/\nH =\nBody\nNNNN\n\x03", "Headline\n\nBody.")
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Detect(data, "", "")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a *ParseError: %v", err)
			}
			return
		}
		if !got.Valid() {
			t.Fatalf("Detect returned unknown format %q", got)
		}
		fuzzParse(t, data, "")
	})
}
