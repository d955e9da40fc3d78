package formats

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/wirestream/wirestream/pkg/article"
)

// benchParse parses data in a loop, reporting throughput.
func benchParse(b *testing.B, data []byte, f article.Format) {
	b.Helper()
	opts := Options{Now: testNow, Format: f}
	if _, err := Parse(data, opts); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseNewsMLG2(b *testing.B) {
	benchParse(b, story(b, "moscow-talks.newsml.xml"), article.FormatNewsMLG2)
}

// BenchmarkParseNewsMessage parses a 200-item newsMessage.
func BenchmarkParseNewsMessage(b *testing.B) {
	item := story(b, "moscow-talks.newsml.xml")
	item = item[bytes.Index(item, []byte("<newsItem")):]
	var buf bytes.Buffer
	buf.WriteString(`<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><itemSet>`)
	for i := 0; i < 200; i++ {
		buf.Write(bytes.Replace(item, []byte(`moscow-talks"`), fmt.Appendf(nil, `moscow-talks-%d"`, i), 1))
	}
	buf.WriteString(`</itemSet></newsMessage>`)
	benchParse(b, buf.Bytes(), article.FormatNewsMLG2)
}

func BenchmarkParseNITF(b *testing.B) {
	benchParse(b, story(b, "harbour-strike.nitf.xml"), article.FormatNITF)
}

func BenchmarkParseNinjs(b *testing.B) {
	benchParse(b, story(b, "grain-deal.ninjs.json"), article.FormatNinjs)
}

func BenchmarkParseRSS(b *testing.B) {
	benchParse(b, story(b, "world-news.rss.xml"), article.FormatRSS)
}

func BenchmarkParseAtom(b *testing.B) {
	benchParse(b, story(b, "science.atom.xml"), article.FormatAtom)
}

func BenchmarkParseANPA(b *testing.B) {
	benchParse(b, story(b, "moscow-talks.anpa"), article.FormatANPA)
}

func BenchmarkParseIPTC7901(b *testing.B) {
	benchParse(b, story(b, "moscow-talks.7901"), article.FormatIPTC7901)
}

func BenchmarkParseJSON(b *testing.B) {
	benchParse(b, story(b, "articles.ndjson"), article.FormatJSON)
}

func BenchmarkParseText(b *testing.B) {
	benchParse(b, story(b, "kiosk-notice.txt"), article.FormatText)
}

func BenchmarkDetect(b *testing.B) {
	data := story(b, "moscow-talks.newsml.xml")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Detect(data, "", ""); err != nil {
			b.Fatal(err)
		}
	}
}
