package quotes

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wirestream/wirestream/pkg/article"
)

// casePeople are the entities the hard cases may refer to.
var casePeople = []person{
	{"Dmitry Peskov", article.TypePerson, "spokesman for the Kremlin", []string{"Dmitry Peskov", "Peskov"}},
	{"Sergey Lavrov", article.TypePerson, "Russian Foreign Minister", []string{"Sergey Lavrov", "Lavrov"}},
	{"John Kerry", article.TypePerson, "US Secretary of State", []string{"John Kerry", "Kerry"}},
	{"John Kirby", article.TypePerson, "State Department spokesperson", []string{"John Kirby", "Kirby"}},
	{"Russian Foreign Ministry", article.TypeOrganization, "", []string{"Russian Foreign Ministry"}},
	{"Hillary Clinton", article.TypePerson, "", []string{"Hillary Clinton", "Clinton"}},
}

// runeSpan returns the rune span of the n-th (0-based) occurrence of sub
// in body.
func runeSpan(t *testing.T, body, sub string, n int) article.Span {
	t.Helper()
	off := 0
	for k := 0; ; k++ {
		i := strings.Index(body[off:], sub)
		if i < 0 {
			t.Fatalf("%q not in body", sub)
		}
		if k == n {
			s := utf8.RuneCountInString(body[:off+i])
			return article.Span{Start: s, End: s + utf8.RuneCountInString(sub)}
		}
		off += i + len(sub)
	}
}

// ref names a piece of the body: its text and which occurrence.
type ref struct {
	text string
	n    int
}

// wantQuote is the expected result for one quotation.
type wantQuote struct {
	typ     string
	spans   []ref
	speaker string // resolved entity name, "" for nil
	mention ref    // speaker mention, zero for none
	cue     ref    // cue, zero for none
}

func TestHardCases(t *testing.T) {
	cases := []struct {
		name string
		body string
		want []wantQuote
	}{
		{"speaker after the quote",
			"Talks resumed. “We are ready to talk,” Peskov said.",
			[]wantQuote{{article.QuoteDirect, []ref{{"We are ready to talk,", 0}}, "Dmitry Peskov", ref{"Peskov", 0}, ref{"said", 0}}}},
		{"said X with a role noun",
			"Peskov spoke first. “The talks will go on,” said the spokesman.",
			[]wantQuote{{article.QuoteDirect, []ref{{"The talks will go on,", 0}}, "Dmitry Peskov", ref{"the spokesman", 0}, ref{"said", 0}}}},
		{"pronoun speaker",
			"Lavrov arrived in Baku on Monday. “We will not accept this,” he told reporters.",
			[]wantQuote{{article.QuoteDirect, []ref{{"We will not accept this,", 0}}, "Sergey Lavrov", ref{"he", 0}, ref{"told", 0}}}},
		{"speaker before with colon",
			"Kerry said: “We have work to do in Moscow.”",
			[]wantQuote{{article.QuoteDirect, []ref{{"We have work to do in Moscow.", 0}}, "John Kerry", ref{"Kerry", 0}, ref{"said", 0}}}},
		{"apposition after the quote",
			"“The ceasefire must hold,” Lavrov, the foreign minister, said.",
			[]wantQuote{{article.QuoteDirect, []ref{{"The ceasefire must hold,", 0}}, "Sergey Lavrov", ref{"Lavrov", 0}, ref{"said", 0}}}},
		{"multi-paragraph quote",
			"Kerry said:\n\n“The first part of the answer is long.\n\n“The second part closes it.”\n\nThe talks ended.",
			[]wantQuote{{article.QuoteDirect, []ref{{"The first part of the answer is long.", 0}, {"The second part closes it.", 0}}, "John Kerry", ref{"Kerry", 0}, ref{"said", 0}}}},
		{"interrupted quote joined",
			"“The problem,” Lavrov said, “is that the groups keep changing their names.”",
			[]wantQuote{{article.QuoteDirect, []ref{{"The problem,", 0}, {"is that the groups keep changing their names.", 0}}, "Sergey Lavrov", ref{"Lavrov", 0}, ref{"said", 0}}}},
		{"partial quote in indirect speech",
			"Lavrov added that he would “discuss this matter with John Kerry” in Moscow.",
			[]wantQuote{{article.QuotePartial, []ref{{"discuss this matter with John Kerry", 0}}, "Sergey Lavrov", ref{"Lavrov", 0}, ref{"added", 0}}}},
		{"according to an organisation",
			"“The ceasefire is holding,” according to the Russian Foreign Ministry.",
			[]wantQuote{{article.QuoteDirect, []ref{{"The ceasefire is holding,", 0}}, "Russian Foreign Ministry", ref{"Russian Foreign Ministry", 0}, ref{"according to", 0}}}},
		{"curly and straight marks mixed",
			"\"We are close to a deal,\" Kirby said. “Very close,” he added.",
			[]wantQuote{
				{article.QuoteDirect, []ref{{"We are close to a deal,", 0}}, "John Kirby", ref{"Kirby", 0}, ref{"said", 0}},
				{article.QuoteDirect, []ref{{"Very close,", 0}}, "John Kirby", ref{"he", 0}, ref{"added", 0}},
			}},
		{"apostrophes are not quotes",
			"Lavrov’s aides don't expect rock ’n’ roll diplomacy like in the ’90s or the 90’s, the officials' view goes.",
			nil},
		{"nested single quotes stay inside",
			"“He told me ‘never again’ and left,” Kerry said.",
			[]wantQuote{{article.QuoteDirect, []ref{{"He told me ‘never again’ and left,", 0}}, "John Kerry", ref{"Kerry", 0}, ref{"said", 0}}}},
		{"headline single quotes",
			"Voters say it is ‘all in their heads and nowhere else’ after the debate",
			[]wantQuote{{article.QuotePartial, []ref{{"all in their heads and nowhere else", 0}}, "", ref{"Voters", 0}, ref{"say", 0}}}},
		{"scare quotes and titles are nonspeech",
			"The so-called “moderate rebels” watched the film “The Long Road Home” twice.",
			[]wantQuote{
				{article.QuoteNonSpeech, []ref{{"moderate rebels", 0}}, "", ref{}, ref{}},
				{article.QuoteNonSpeech, []ref{{"The Long Road Home", 0}}, "", ref{}, ref{}},
			}},
		{"odd number of marks ends at the paragraph",
			"Kerry said \"the talks were useful and will go on.\n\nPeskov said nothing. It was 5\" long.",
			[]wantQuote{{article.QuoteDirect, []ref{{"the talks were useful and will go on.", 0}}, "John Kerry", ref{"Kerry", 0}, ref{"said", 0}}}},
		{"floating quote inherits the speaker",
			"“We will meet again,” Lavrov said.\n\n“There is no other way forward for both of us.”",
			[]wantQuote{
				{article.QuoteDirect, []ref{{"We will meet again,", 0}}, "Sergey Lavrov", ref{"Lavrov", 0}, ref{"said", 0}},
				{article.QuoteDirect, []ref{{"There is no other way forward for both of us.", 0}}, "Sergey Lavrov", ref{"Lavrov", 0}, ref{"said", 0}},
			}},
		{"newspaper double apostrophes",
			"''We are ready,'' Mr. Kerry said. It isn't over.",
			[]wantQuote{{article.QuoteDirect, []ref{{"We are ready,", 0}}, "John Kerry", ref{"Kerry", 0}, ref{"said", 0}}}},
		{"indirect speech with that",
			"Lavrov told reporters on Monday that the ceasefire was holding in most areas.",
			[]wantQuote{{article.QuoteIndirect, []ref{{"the ceasefire was holding in most areas", 0}}, "Sergey Lavrov", ref{"Lavrov", 0}, ref{"told", 0}}}},
		{"indirect speech closed by its attribution",
			"The talks will resume in Geneva next week, the spokesman said.",
			[]wantQuote{{article.QuoteIndirect, []ref{{"The talks will resume in Geneva next week", 0}}, "", ref{"the spokesman", 0}, ref{"said", 0}}}},
		{"indirect speech after according to",
			"According to Kirby, the visit was planned weeks ago.",
			[]wantQuote{{article.QuoteIndirect, []ref{{"the visit was planned weeks ago", 0}}, "John Kirby", ref{"Kirby", 0}, ref{"According to", 0}}}},
		{"no indirect speech next to a quote",
			"Lavrov said that the talks were “useful and long overdue for both sides”.",
			[]wantQuote{{article.QuotePartial, []ref{{"useful and long overdue for both sides", 0}}, "Sergey Lavrov", ref{"Lavrov", 0}, ref{"said", 0}}}},
		{"pronoun skips a person of the other gender",
			"Ms. Clinton met Mr. Kerry in Geneva on Friday. “We agreed on a plan,” she said.",
			[]wantQuote{{article.QuoteDirect, []ref{{"We agreed on a plan,", 0}}, "Hillary Clinton", ref{"she", 0}, ref{"said", 0}}}},
		{"quote followed at once by an attributed one",
			"“The talks are over now.” “We lost,” Kerry said.",
			[]wantQuote{
				{article.QuoteDirect, []ref{{"The talks are over now.", 0}}, "John Kerry", ref{"Kerry", 0}, ref{"said", 0}},
				{article.QuoteDirect, []ref{{"We lost,", 0}}, "John Kerry", ref{"Kerry", 0}, ref{"said", 0}},
			}},
		{"nested curly quotes stay inside",
			"“People wore “Settle for Kerry” shirts at the rally,” Kirby said.",
			[]wantQuote{{article.QuoteDirect, []ref{{"People wore “Settle for Kerry” shirts at the rally,", 0}}, "John Kirby", ref{"Kirby", 0}, ref{"said", 0}}}},
		{"unclosed curly quote before another",
			"He called it “a mess. “We are done,” Kirby said.",
			[]wantQuote{{article.QuoteDirect, []ref{{"We are done,", 0}}, "John Kirby", ref{"Kirby", 0}, ref{"said", 0}}}},
		{"no speaker in the story",
			"“Nothing is decided yet,” a source said.",
			[]wantQuote{{article.QuoteDirect, []ref{{"Nothing is decided yet,", 0}}, "", ref{"a source", 0}, ref{"said", 0}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Extract(c.body, entitiesFor(c.body, casePeople))
			if len(got) != len(c.want) {
				for _, q := range got {
					t.Logf("got %s %q", q.Type, q.Text)
				}
				t.Fatalf("%d quotes, want %d", len(got), len(c.want))
			}
			for i, w := range c.want {
				q := got[i]
				if q.Type != w.typ {
					t.Errorf("quote %d %q: type %s, want %s", i, q.Text, q.Type, w.typ)
				}
				if len(q.Spans) != len(w.spans) {
					t.Errorf("quote %d: spans %v, want %d", i, q.Spans, len(w.spans))
				} else {
					for k, r := range w.spans {
						if want := runeSpan(t, c.body, r.text, r.n); q.Spans[k] != want {
							t.Errorf("quote %d span %d = %v, want %v (%q)", i, k, q.Spans[k], want, r.text)
						}
					}
				}
				checkMention(t, c.body, "speaker mention", q.SpeakerMention, w.mention)
				checkMention(t, c.body, "cue", q.Cue, w.cue)
				switch {
				case w.speaker == "" && q.Speaker != nil:
					t.Errorf("quote %d: speaker %v, want none", i, q.Speaker)
				case w.speaker != "" && (q.Speaker == nil || q.Speaker.Name != w.speaker):
					t.Errorf("quote %d: speaker %v, want %s", i, q.Speaker, w.speaker)
				}
			}
		})
	}
}

// checkMention compares a mention with the expected piece of body.
func checkMention(t *testing.T, body, what string, got *article.Mention, want ref) {
	t.Helper()
	if want.text == "" {
		if got != nil {
			t.Errorf("%s %+v, want none", what, *got)
		}
		return
	}
	sp := runeSpan(t, body, want.text, want.n)
	if got == nil || got.Start != sp.Start || got.End != sp.End || got.Text != want.text {
		t.Errorf("%s %+v, want %q at %v", what, got, want.text, sp)
	}
}
