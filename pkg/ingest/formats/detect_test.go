package formats

import (
	"errors"
	"testing"

	"github.com/wirestream/wirestream/pkg/article"
)

// TestDetect checks detection by content, including misleading names.
func TestDetect(t *testing.T) {
	cases := []struct {
		name, data, filename, contentType string
		want                              article.Format
		wantErr                           bool
	}{
		{name: "newsItem", data: `<?xml version="1.0"?><newsItem guid="g"/>`, want: article.FormatNewsMLG2},
		{name: "newsMessage with comment", data: "<!-- x -->\n<newsMessage xmlns=\"http://iptc.org/std/nar/2006-10-01/\"/>", want: article.FormatNewsMLG2},
		{name: "nitf named .json", data: `<nitf><head/></nitf>`, filename: "story.json", want: article.FormatNITF},
		{name: "rss named .atom", data: `<rss version="2.0"><channel/></rss>`, filename: "x.atom", want: article.FormatRSS},
		{name: "atom as text/plain", data: `<feed xmlns="http://www.w3.org/2005/Atom"></feed>`, contentType: "text/plain", want: article.FormatAtom},
		{name: "rdf", data: `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>`, want: article.FormatRSS},
		{name: "latin1 declaration", data: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><nitf/>", want: article.FormatNITF},
		{name: "html page", data: "<!DOCTYPE html><html><body><p>x</p></body></html>", want: article.FormatText},
		{name: "ninjs 1.x", data: `{"uri":"u","versioncreated":"2020-01-01T00:00:00Z","headline":"h"}`, want: article.FormatNinjs},
		{name: "ninjs 3 named .ndjson", data: `{"uri":"u","headlines":[{"value":"h"}]}`, filename: "a.ndjson", want: article.FormatNinjs},
		{name: "wirestream json named .ninjs", data: `{"schema_version":1,"source":"s","headline":"h","body":"b"}`, filename: "x.ninjs", want: article.FormatJSON},
		{name: "wirestream ndjson", data: "{\"source_guid\":\"a\",\"headline\":\"h\"}\n{\"source_guid\":\"b\",\"headline\":\"h\"}\n", want: article.FormatJSON},
		{name: "ninjs array", data: `[{"uri":"u","body_text":"b"}]`, want: article.FormatNinjs},
		{name: "unknown json keys", data: `{"title":"x"}`, want: article.FormatJSON},
		{name: "unknown json keys, ninjs hint", data: `{"title":"x"}`, contentType: "application/ninjs+json", want: article.FormatNinjs},
		{name: "anpa", data: "\x16\x16\x01a0412 r i BC-Test 11-26 0100\r\n\x02^Head\r\n\x03", want: article.FormatANPA},
		{name: "anpa named .7901", data: "\x01b1234 f a BC-Flash 11-26 0010\n\x02^Flash\n\x03", filename: "x.7901", want: article.FormatANPA},
		{name: "7901", data: "\x01wst0231 3 pol 212 NNA\r\n\x02Politics/\r\nHead =\r\nNNNN\r\n\x03", want: article.FormatIPTC7901},
		{name: "7901 zczc", data: "ZCZC\nwst0001 4 eco 100\nEconomy/\nHead =\nNNNN\n", want: article.FormatIPTC7901},
		{name: "7901 without control characters, .7901 hint", data: "wst0231 3 pol 212 NNA\nPolitics/\nHead =\n", filename: "x.7901", want: article.FormatIPTC7901},
		{name: "same without hint is text", data: "wst0231 3 pol 212 NNA\nPolitics/\nHead =\n", want: article.FormatText},
		{name: "plain text named .xml", data: "Headline\n\nBody.", filename: "story.xml", want: article.FormatText},
		{name: "BOM and space", data: "\xef\xbb\xbf  \n<nitf/>", want: article.FormatNITF},
		{name: "unknown xml root", data: `<catalog><x/></catalog>`, wantErr: true},
		{name: "empty", data: " \n\t", wantErr: true},
		{name: "binary", data: "GIF89a\x00\x01\x02", wantErr: true},
		{name: "truncated newsItem", data: `<newsItem guid="g"><contentMeta><headline>Cut`, want: article.FormatNewsMLG2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Detect([]byte(c.data), c.filename, c.contentType)
			if c.wantErr {
				var pe *ParseError
				if err == nil || !errors.As(err, &pe) {
					t.Fatalf("Detect = %q, %v; want a ParseError", got, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("Detect = %q, %v; want %q", got, err, c.want)
			}
		})
	}
}
