package textnorm

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlain(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"blank-line paragraphs, hard wraps joined", "One line\nwrapped here.\n\n\nSecond  para.\r\n", "One line wrapped here.\n\nSecond para."},
		{"no blank line: one paragraph per line", "First.\nSecond.\n", "First.\n\nSecond."},
		{"typographic quotes kept", "“Yes,” she said. ‘No’ – «non»", "“Yes,” she said. ‘No’ – «non»"},
		{"NFC", "Cafe\u0301", "Café"},
		{"markup removed", "<b>Bold</b> &amp; <script>x()</script>plain", "Bold & plain"},
		{"escaped markup removed", "&lt;img src=x onerror=alert(1)&gt;Text", "Text"},
		{"a < b kept", "a < b and c > d", "a < b and c > d"},
		{"control characters dropped", "A\x00B\x07C\u200bD\ufeff", "ABCD"},
		{"non-breaking space collapsed", "a\u00a0 \u2003b", "a b"},
		{"empty", " \n\t\n ", ""},
		{"invalid UTF-8 replaced", "a\xffb", "a\ufffdb"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Plain(c.in); got != c.want {
				t.Errorf("Plain(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestHTML(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"paragraphs", "<p>One</p><p>Two <i>three</i></p>", "One\n\nTwo three"},
		{"br and div", "a<br>b<div>c</div>d", "a\n\nb\n\nc\n\nd"},
		{"script and style dropped", "<style>p{}</style><p>x</p><script>if (a<b) alert(1)</script>", "x"},
		{"entities", "<p>&ldquo;Fish &amp; chips&rdquo; &#8212; &eacute;t&eacute;</p>", "“Fish & chips” — été"},
		{"nested dropped elements", "<p>keep<object><object>x</object>y</object> this</p>", "keep this"},
		{"attributes with markup", `<p title="<b>">ok</p><img src=x onerror=alert(1)>`, "ok"},
		{"comments", "<p>a<!-- <p>hidden</p> -->b</p>", "ab"},
		{"unclosed tags", "<p>one<p>two", "one\n\ntwo"},
		{"whole document", "<!DOCTYPE html><html><head><title>T</title></head><body><h1>H</h1><p>b</p></body></html>", "H\n\nb"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := HTML(c.in); got != c.want {
				t.Errorf("HTML(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestInline(t *testing.T) {
	cases := []struct{ in, want string }{
		{"  Fed to halt\n   QE ", "Fed to halt QE"},
		{"<p>A</p><p>B</p>", "A B"},
		{"&lt;script&gt;alert(1)&lt;/script&gt;News", "News"}, // escaped markup is stripped too
		{"&amp;lt;b&amp;gt;x", "&lt;b&gt;x"},                  // double escaping stays literal, no tag
		{"a &lt; b", "a < b"},
		{"Smith &amp; Co", "Smith & Co"},
	}
	for _, c := range cases {
		if got := Inline(c.in); got != c.want {
			t.Errorf("Inline(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParagraphs(t *testing.T) {
	if got := Paragraphs([]string{" a ", "", "b\nc"}); got != "a\n\nb c" {
		t.Errorf("got %q", got)
	}
}

func FuzzHTML(f *testing.F) {
	f.Add("<p>a</p><script>b</script>")
	f.Add("x\n\ny <b>z")
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{HTML(s), Plain(s), Inline(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 out of %q", s)
			}
			if strings.Contains(out, "\n\n\n") || strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.HasPrefix(out, "\n") {
				t.Fatalf("paragraph shape broken: %q", out)
			}
		}
		if strings.Contains(Inline(s), "\n") {
			t.Fatalf("Inline kept a newline: %q", Inline(s))
		}
	})
}

func BenchmarkHTML(b *testing.B) {
	doc := strings.Repeat("<p>MOSCOW (NNA) - “We are not coming with illusions,” Marsh said &amp; left.</p>\n", 50)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		HTML(doc)
	}
}

func BenchmarkPlain(b *testing.B) {
	doc := strings.Repeat("MOSCOW (NNA) - “We are not coming with illusions,” Marsh said\nbefore leaving.\n\n", 50)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		Plain(doc)
	}
}
