package formats

import (
	"errors"
	"strings"
	"testing"

	"github.com/wirestream/wirestream/pkg/article"
)

// g2 wraps a contentMeta and contentSet into a NewsML-G2 newsItem.
func g2(meta, content string) string {
	return `<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:test:1" version="1">` +
		`<itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:T"/><pubStatus qcode="stat:usable"/></itemMeta>` +
		`<contentMeta>` + meta + `</contentMeta><contentSet>` + content + `</contentSet></newsItem>`
}

// TestBadInput feeds broken, hostile and oversized inputs: each must give a
// clear *ParseError or a sanitised, valid article.
func TestBadInput(t *testing.T) {
	deep := strings.Repeat("<div>", 100) + "x" + strings.Repeat("</div>", 100)
	longLine := strings.Repeat("a", 10<<20)
	cases := []struct {
		name   string
		data   string
		opts   Options
		errHas string // expected error text (input or first item)
		tooBig bool   // error must wrap ErrTooLarge
		check  func(t *testing.T, a *article.Article)
	}{
		{name: "malformed XML", data: g2("<headline>Hi</headline>", "")[:120], errHas: "input ends at line 1: <itemMeta> opened on line 1 is not closed"},
		{name: "mismatched tags", data: `<nitf><head></body></nitf>`, errHas: "line 1: element <head> opened on line 1 closed by </body>"},
		{name: "bad XML syntax", data: "<newsItem guid=\"g\">\n<headline>A & B</headline></newsItem>", errHas: "malformed XML at line 2"},
		{name: "malformed JSON", data: `{"uri": "u", "headline": }`, opts: Options{Format: article.FormatNinjs}, errHas: "malformed JSON at byte"},
		{name: "JSON wrong type", data: `{"source":"s","version":"two","headline":"h","body":"b"}`, errHas: "version: expected int64"},
		{name: "ninjs wrong type", data: `{"uri":"u","headlines":"x"}`, errHas: "headlines: expected"},
		{name: "ninjs without uri", data: `{"headline":"h","body_text":"b","versioncreated":"2020-01-01T00:00:00Z"}`, errHas: "uri: required"},
		{name: "ninjs bad pubstatus", data: `{"uri":"u","headline":"h","pubstatus":"killed"}`, errHas: `pubstatus: "killed"`},
		{name: "NDJSON bad line", data: "{\"source_guid\":\"a\",\"headline\":\"ok\"}\n{\"source_guid\": oops}\n", errHas: "line 2: malformed JSON"},
		{name: "JSON invalid UTF-8", data: "{\"source_guid\":\"a\",\"headline\":\"caf\xe9\"}", errHas: "invalid UTF-8 at byte 34"},
		{name: "latin-1 XML", data: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><nitf><body><body.head><hedline><hl1>Z\xfcrich f\xe4llt</hl1></hedline></body.head></body></nitf>",
			check: func(t *testing.T, a *article.Article) { want(t, "headline", a.Headline, "Zürich fällt") }},
		{name: "windows-1252 XML", data: "<?xml version=\"1.0\" encoding=\"windows-1252\"?><nitf><body><body.content><p>\x93Yes,\x94 he said \x96 twice.</p></body.content></body></nitf>",
			check: func(t *testing.T, a *article.Article) { want(t, "body", a.Body, "“Yes,” he said – twice.") }},
		{name: "undeclared latin-1 XML", data: "<nitf><body><body.content><p>Z\xfcrich</p></body.content></body></nitf>", errHas: "invalid UTF-8"},
		{name: "unknown charset", data: "<?xml version=\"1.0\" encoding=\"x-klingon\"?><nitf/>", errHas: `unsupported character set "x-klingon"`},
		{name: "latin-1 text", data: "Caf\xe9 reopens\n\nThe caf\xe9 \x93is back\x94.",
			check: func(t *testing.T, a *article.Article) {
				want(t, "headline", a.Headline, "Café reopens")
				want(t, "body", a.Body, "The café “is back”.")
			}},
		{name: "empty input", data: "  \n", errHas: "empty input"},
		{name: "empty body", data: g2("<headline>Only a headline</headline>", `<inlineXML contenttype="application/xhtml+xml"><html><body></body></html></inlineXML>`),
			check: func(t *testing.T, a *article.Article) {
				want(t, "headline", a.Headline, "Only a headline")
				want(t, "body", a.Body, "")
			}},
		{name: "no headline, no body", data: g2("", ""), errHas: "no contentMeta/headline and no text content"},
		{name: "missing headline, body only", data: `<nitf><body><body.content><p>Body only.</p></body.content></body></nitf>`,
			check: func(t *testing.T, a *article.Article) { want(t, "body", a.Body, "Body only.") }},
		{name: "bad version", data: strings.Replace(g2("<headline>H</headline>", ""), `version="1"`, `version="one"`, 1), errHas: `newsItem version "one" is not a positive integer`},
		{name: "bad pubStatus", data: strings.Replace(g2("<headline>H</headline>", ""), "stat:usable", "stat:lost", 1), errHas: `pubStatus qcode "stat:lost"`},
		{name: "HTML injection in headline", data: g2("<headline>&lt;script&gt;alert(1)&lt;/script&gt;Ministers &lt;b&gt;meet&lt;/b&gt;</headline>", ""),
			check: func(t *testing.T, a *article.Article) { want(t, "headline", a.Headline, "Ministers meet") }},
		{name: "HTML injection in XHTML body", data: g2("<headline>H</headline>", `<inlineXML><html><body><p>Text<img src="x" onerror="alert(1)"/> &lt;iframe src=evil&gt;&lt;/iframe&gt;more</p><style>p{}</style></body></html></inlineXML>`),
			check: func(t *testing.T, a *article.Article) { want(t, "body", a.Body, "Text more") }},
		{name: "HTML injection in RSS", data: `<rss><channel><link>https://x.example/</link><item><title>&lt;img src=x onerror=alert(1)&gt;Title</title><description>&lt;a href="javascript:alert(1)"&gt;click&lt;/a&gt; here&lt;script&gt;steal()&lt;/script&gt;</description></item></channel></rss>`,
			check: func(t *testing.T, a *article.Article) {
				want(t, "headline", a.Headline, "Title")
				want(t, "body", a.Body, "click here")
			}},
		{name: "HTML injection in text", data: "Headline <script>alert(1)</script>\n\n<p onclick=\"x()\">Body</p> text",
			check: func(t *testing.T, a *article.Article) {
				want(t, "headline", a.Headline, "Headline")
				want(t, "body", a.Body, "Body\n\ntext") // </p> ends a paragraph
			}},
		{name: "10 MB single line text", data: longLine, errHas: "limit", tooBig: true},
		{name: "10 MB single line JSON", data: `{"source_guid":"a","headline":"` + longLine + `"}`, errHas: "limit", tooBig: true},
		{name: "deeply nested XML", data: g2("<headline>H</headline>", "<inlineXML><html><body>"+deep+"</body></html></inlineXML>"), errHas: "nested deeper than 64"},
		{name: "deeply nested XML, huge", data: "<nitf>" + strings.Repeat("<p>", 200000), errHas: "nested deeper than 64"},
		{name: "too many items", data: `<rss><channel><item><title>a</title></item><item><title>b</title></item><item><title>c</title></item></channel></rss>`,
			opts: Options{Limits: Limits{MaxItems: 2}}, errHas: "3 items, limit 2", tooBig: true},
		{name: "item over limit", data: g2("<headline>"+strings.Repeat("x", 3000)+"</headline>", ""), opts: Options{Limits: Limits{MaxItemBytes: 2048}}, errHas: "limit 2048", tooBig: true},
		{name: "headline over contract limit truncated", data: "<nitf><body><body.head><hedline><hl1>" + strings.Repeat("é", 3000) + "</hl1></hedline></body.head></body></nitf>",
			check: func(t *testing.T, a *article.Article) {
				if len(a.Headline) > article.MaxHeadlineLen {
					t.Errorf("headline %d bytes", len(a.Headline))
				}
			}},
		{name: "anpa bad header", data: "\x01hello world r i BC-X 11-26\r\n\x02^Head\r\n\x03", errHas: "is not a service level letter and a 4-digit story number"},
		{name: "7901 bad header", data: "\x01wst0231 pol\r\n\x02Politics/\r\nHead =\r\nNNNN\r\n\x03", errHas: "want source and message number, priority digit"},
		{name: "control characters in text", data: "Head\x07line\n\nBo\x7fdy\x1b text\x0c",
			check: func(t *testing.T, a *article.Article) {
				want(t, "headline", a.Headline, "Headline")
				want(t, "body", a.Body, "Body text")
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := c.opts
			opts.Now = testNow
			res, err := ParseItems([]byte(c.data), opts)
			if err == nil {
				for _, r := range res {
					if r.Err != nil {
						err = r.Err
						break
					}
				}
			}
			if c.errHas != "" {
				var pe *ParseError
				if err == nil || !errors.As(err, &pe) {
					t.Fatalf("got %v, want a *ParseError containing %q", err, c.errHas)
				}
				if !strings.Contains(err.Error(), c.errHas) {
					t.Errorf("error %q does not contain %q", err, c.errHas)
				}
				if c.tooBig && !errors.Is(err, ErrTooLarge) {
					t.Errorf("error %q does not wrap ErrTooLarge", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 {
				t.Fatalf("%d results", len(res))
			}
			a := res[0].Article
			checkValid(t, a, testNow)
			for _, s := range []string{a.Headline, a.Body, a.Byline, a.Subheadline} {
				if strings.ContainsAny(s, "<>") {
					t.Errorf("markup left in %q", s)
				}
			}
			c.check(t, a)
		})
	}
}
