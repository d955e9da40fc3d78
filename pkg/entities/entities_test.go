package entities

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/text"
)

// marked parses a body annotated like "[PER Tom Jones] met [ORG UN] staff"
// into the plain body, its tokens, sentences and the spans as a tagger would
// give them (token ranges).
func marked(t testing.TB, s string) (string, []text.Token, []text.Sentence, []Span) {
	t.Helper()
	type runeSpan struct {
		typ        string
		start, end int
	}
	var body strings.Builder
	var rs []runeSpan
	r := 0
	for i := 0; i < len(s); {
		switch {
		case s[i] == '[':
			sp := strings.IndexByte(s[i:], ' ')
			rs = append(rs, runeSpan{typ: s[i+1 : i+sp], start: r})
			i += sp + 1
		case s[i] == ']':
			rs[len(rs)-1].end = r
			i++
		default:
			c, w := utf8.DecodeRuneInString(s[i:])
			body.WriteRune(c)
			r++
			i += w
		}
	}
	b := body.String()
	toks := text.Tokenize(b)
	var spans []Span
	for _, x := range rs {
		from, to := -1, -1
		for k, tk := range toks {
			if tk.Start >= x.start && tk.End <= x.end {
				if from < 0 {
					from = k
				}
				to = k + 1
			}
		}
		if from < 0 {
			t.Fatalf("span %v covers no token", x)
		}
		spans = append(spans, Span{Type: x.typ, From: from, To: to})
	}
	return b, toks, text.Sentences(b, toks), spans
}

// find returns the entity named name, or nil.
func find(ents []article.Entity, name string) *article.Entity {
	for i := range ents {
		if ents[i].Name == name {
			return &ents[i]
		}
	}
	return nil
}

// mentionTexts lists the texts of e's mentions.
func mentionTexts(e *article.Entity) []string {
	out := make([]string, len(e.Mentions))
	for i, m := range e.Mentions {
		out[i] = m.Text
	}
	return out
}

// want describes one expected entity.
type want struct {
	name, typ, role string
	mentions        []string
}

func TestResolveGrouping(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []want
		nope  []string // names that must not appear as entities
		count int      // expected number of entities, if > 0
	}{
		{
			name: "surname and title forms join the full name",
			in:   "The US Secretary of State [PER John Kerry] arrived. Later [PER Kerry] spoke. Mr [PER Kerry] left.",
			want: []want{{"John Kerry", "PER", "US Secretary of State", []string{"John Kerry", "Kerry", "Kerry"}}},
		},
		{
			name: "title inside the span and forward reference",
			in:   "[PER President Putin] will meet the envoy. [PER Vladimir Putin] said so.",
			want: []want{{"Vladimir Putin", "PER", "President", []string{"Putin", "Vladimir Putin"}}},
			nope: []string{"President Putin", "Putin"},
		},
		{
			name: "possessive stripped",
			in:   "[PER Sergey Lavrov] spoke. Noticeably, [PER Lavrov’s] remarks and [PER Lavrov's] tone were harsh.",
			want: []want{{"Sergey Lavrov", "PER", "", []string{"Sergey Lavrov", "Lavrov", "Lavrov"}}},
		},
		{
			name: "particle surname in either case",
			in:   "The UN envoy [PER Staffan de Mistura] spoke. Later [PER de Mistura] and then [PER De Mistura] left.",
			want: []want{{"Staffan de Mistura", "PER", "UN envoy", []string{"Staffan de Mistura", "de Mistura", "De Mistura"}}},
		},
		{
			name: "relative with another honorific stays apart",
			in:   "[PER Tom Jones] sang on Friday. Mrs. [PER Jones] watched from the front row.",
			want: []want{
				{"Tom Jones", "PER", "", []string{"Tom Jones"}},
				{"Jones", "PER", "", []string{"Jones"}},
			},
		},
		{
			name: "namesakes: a bare surname goes to the most recent",
			in:   "[PER Ann Lee] met [PER Sam Lee] on Monday. [PER Lee] said the talks went well.",
			want: []want{
				{"Ann Lee", "PER", "", []string{"Ann Lee"}},
				{"Sam Lee", "PER", "", []string{"Sam Lee", "Lee"}},
			},
			nope: []string{"Lee"},
		},
		{
			name: "acronym joins its long form",
			in:   "The [ORG United Nations] met. A [ORG UN] official and the [ORG U.N.] envoy spoke.",
			want: []want{{"United Nations", "ORG", "", []string{"United Nations", "UN", "U.N."}}},
			nope: []string{"UN", "U.N."},
		},
		{
			name: "untagged surname found by the fix-up layer",
			in:   "[PER John Kerry] arrived. It is expected that Kerry will meet them. Kerry's plane landed.",
			want: []want{{"John Kerry", "PER", "", []string{"John Kerry", "Kerry", "Kerry"}}},
		},
		{
			name: "inconsistent type follows the person name",
			in:   "[PER John Kerry] arrived. [LOC Kerry] spoke to [ORG Kerry] aides.",
			want: []want{{"John Kerry", "PER", "", []string{"John Kerry", "Kerry", "Kerry"}}},
			nope: []string{"Kerry"},
		},
		{
			name: "role reference without a name",
			in:   "The Russian Foreign Minister [PER Sergey Lavrov] spoke. Then the Russian Foreign Minister left. An Azerbaijani Foreign Minister stayed.",
			want: []want{{"Sergey Lavrov", "PER", "Russian Foreign Minister", []string{"Sergey Lavrov", "Russian Foreign Minister"}}},
		},
		{
			name: "shared role is ambiguous",
			in:   "The foreign minister [PER Ann Lee] met the foreign minister [PER Tom Bell]. Later the foreign minister spoke.",
			want: []want{
				{"Ann Lee", "PER", "foreign minister", []string{"Ann Lee"}},
				{"Tom Bell", "PER", "foreign minister", []string{"Tom Bell"}},
			},
		},
		{
			name: "apposition role",
			in:   "[PER Sergey Lavrov], the foreign minister, said so. [PER John Smith], 48, did not.",
			want: []want{
				{"Sergey Lavrov", "PER", "foreign minister", []string{"Sergey Lavrov"}},
				{"John Smith", "PER", "", []string{"John Smith"}},
			},
		},
		{
			name: "pre-modifier roles",
			in: "The spokesman for the [ORG Kremlin] [PER Dmitry Peskov] spoke. Russian President [PER Vladimir Putin] nodded. " +
				"The Spokesperson for the [ORG United States Department of State] [PER John Kirby] spoke. His Russian counterpart [PER Ivan Petrov] smiled.",
			want: []want{
				{"Dmitry Peskov", "PER", "spokesman for the Kremlin", []string{"Dmitry Peskov"}},
				{"Vladimir Putin", "PER", "Russian President", []string{"Vladimir Putin"}},
				{"John Kirby", "PER", "Spokesperson for the United States Department of State", []string{"John Kirby"}},
				{"Ivan Petrov", "PER", "", []string{"Ivan Petrov"}},
			},
		},
		{
			name: "person inside an organisation span is split off",
			in:   "The spokesman for the [ORG Kremlin Dmitry Peskov] spoke. [PER Peskov] said more.",
			want: []want{
				{"Dmitry Peskov", "PER", "spokesman for the Kremlin", []string{"Dmitry Peskov", "Peskov"}},
				{"Kremlin", "ORG", "", []string{"Kremlin"}},
			},
			nope: []string{"Kremlin Dmitry Peskov"},
		},
		{
			name: "nationality joins a ministry",
			in:   "This was confirmed by the [MISC Russian] [ORG Foreign Ministry] on Monday.",
			want: []want{{"Russian Foreign Ministry", "ORG", "", []string{"Russian Foreign Ministry"}}},
		},
		{
			name: "middle initial and company designator",
			in:   "[PER John F. Kerry] met [ORG Apple Inc.] staff. [PER John Kerry] said [ORG Apple] would grow. [PER Kerry] left.",
			want: []want{
				{"John F. Kerry", "PER", "", []string{"John F. Kerry", "John Kerry", "Kerry"}},
				{"Apple Inc.", "ORG", "", []string{"Apple Inc.", "Apple"}},
			},
			nope: []string{"John Kerry", "Apple"},
		},
		{
			name: "apposition with an occupation",
			in:   "[PER Tom Jones], the singer, performed in [LOC Cardiff].",
			want: []want{{"Tom Jones", "PER", "singer", []string{"Tom Jones"}}},
		},
		{
			name: "lone first name and short organisation name",
			in:   "[PER Hillary Clinton] spoke at [ORG Hofstra University]. [PER Hillary] thanked [ORG Hofstra]. [PER John Kerry] and [PER John Kirby] met [PER John].",
			want: []want{
				{"Hillary Clinton", "PER", "", []string{"Hillary Clinton", "Hillary"}},
				{"Hofstra University", "ORG", "", []string{"Hofstra University", "Hofstra"}},
				{"John", "PER", "", []string{"John"}},
			},
		},
		{
			name: "affiliation stripped, first name retyped",
			in:   "[PER Democrat Hillary Clinton] spoke. [PER Hillary Clinton] left. [ORG Hillary] won. [PER Senior Fellow] [PER Ann Bell] agreed.",
			want: []want{
				{"Hillary Clinton", "PER", "", []string{"Hillary Clinton", "Hillary Clinton", "Hillary"}},
				{"Ann Bell", "PER", "Senior Fellow", []string{"Ann Bell"}},
			},
			nope: []string{"Democrat Hillary Clinton", "Senior Fellow", "Hillary"},
		},
		{
			name: "straight and typographic apostrophes",
			in:   "NYPD Commissioner [PER James O’Neill] spoke. [PER O'Neill] said more. Later O’Neill left.",
			want: []want{{"James O’Neill", "PER", "NYPD Commissioner", []string{"James O’Neill", "O'Neill", "O’Neill"}}},
		},
		{
			name: "dateline capitals and line breaks",
			in:   "[LOC CHICAGO] 1996-08-22\nReuters reporter [PER Ann Bell] wrote from [LOC Chicago].\nKOMPAS\nIndonesian President [PER Suharto] spoke.",
			want: []want{
				{"Chicago", "LOC", "", []string{"CHICAGO", "Chicago"}},
				{"Ann Bell", "PER", "Reuters reporter", []string{"Ann Bell"}},
				{"Suharto", "PER", "Indonesian President", []string{"Suharto"}},
			},
		},
		{
			name: "no role from a clause or a headline",
			in:   "[PER Donald Trump] Finally Endorses House Speaker [PER Paul Ryan]\n\n[PER Donald Trump], providing a boost to the first-time candidate, spoke.",
			want: []want{
				{"Donald Trump", "PER", "", []string{"Donald Trump", "Donald Trump"}},
				{"Paul Ryan", "PER", "", []string{"Paul Ryan"}},
			},
		},
		{
			name:  "title alone is no person",
			in:    "The [PER President] met [PER Foreign Minister] aides.",
			count: -1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, toks, sents, spans := marked(t, tc.in)
			ents := Resolve(body, toks, sents, spans)
			for _, w := range tc.want {
				e := find(ents, w.name)
				if e == nil {
					t.Fatalf("no entity %q in %+v", w.name, ents)
				}
				if e.Type != w.typ || e.Role != w.role {
					t.Errorf("%s: type %q role %q, want %q %q", w.name, e.Type, e.Role, w.typ, w.role)
				}
				if got := mentionTexts(e); !slices.Equal(got, w.mentions) {
					t.Errorf("%s: mentions %q, want %q", w.name, got, w.mentions)
				}
				if e.Count != len(e.Mentions) {
					t.Errorf("%s: count %d, %d mentions", w.name, e.Count, len(e.Mentions))
				}
			}
			for _, n := range tc.nope {
				if find(ents, n) != nil {
					for _, w := range tc.want {
						if w.name == n {
							goto next
						}
					}
					t.Errorf("unexpected entity %q", n)
				next:
				}
			}
			if tc.count < 0 && len(ents) != 0 {
				t.Errorf("want no entities, got %+v", ents)
			}
			checkInvariants(t, body, ents)
		})
	}
}

// checkInvariants asserts the contract every Resolve result keeps.
func checkInvariants(t testing.TB, body string, ents []article.Entity) {
	t.Helper()
	runes := []rune(body)
	for i, e := range ents {
		if e.Salience < 0 || e.Salience > 1 {
			t.Errorf("%s: salience %v outside [0,1]", e.Name, e.Salience)
		}
		if i > 0 && ents[i-1].Salience < e.Salience {
			t.Errorf("entities not sorted by salience at %d", i)
		}
		if e.Count != len(e.Mentions) || e.Count == 0 || e.Name == "" {
			t.Errorf("%q: count %d with %d mentions", e.Name, e.Count, len(e.Mentions))
		}
		switch e.Type {
		case article.TypePerson, article.TypeOrganization, article.TypeLocation, article.TypeMisc:
		default:
			t.Errorf("%q: bad type %q", e.Name, e.Type)
		}
		for k, m := range e.Mentions {
			if m.Start < 0 || m.End <= m.Start || m.End > len(runes) {
				t.Fatalf("%q: bad mention offsets %+v (body %d runes)", e.Name, m, len(runes))
			}
			if got := string(runes[m.Start:m.End]); got != m.Text {
				t.Errorf("%q: mention text %q, body has %q", e.Name, m.Text, got)
			}
			if k > 0 && e.Mentions[k-1].Start > m.Start {
				t.Errorf("%q: mentions not sorted", e.Name)
			}
		}
	}
}

func TestResolveSanitisesSpans(t *testing.T) {
	body := "Ann Lee met Tom Bell in Paris."
	toks := text.Tokenize(body)
	spans := []Span{
		{Type: "PER", From: 0, To: 2},
		{Type: "PER", From: 1, To: 3},   // overlaps the first
		{Type: "XYZ", From: 3, To: 5},   // unknown type
		{Type: "LOC", From: 6, To: 99},  // runs past the end: clipped
		{Type: "ORG", From: -4, To: -1}, // outside
		{Type: "PER", From: 4, To: 4},   // empty
	}
	ents := Resolve(body, toks, nil, spans)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name)
	}
	slices.Sort(names)
	if want := []string{"Ann Lee", "Paris"}; !slices.Equal(names, want) {
		t.Errorf("got %q, want %q", names, want)
	}
	checkInvariants(t, body, ents)
	if Resolve(body, nil, nil, spans) != nil || Resolve(body, toks, nil, nil) != nil {
		t.Error("want nil without tokens or spans")
	}
}

func TestResolveSalienceOrder(t *testing.T) {
	body, toks, sents, spans := marked(t, "[PER Ann Lee] met [LOC Paris] officials. [PER Lee] spoke. [PER Lee] left. [ORG Acme] stayed.")
	ents := Resolve(body, toks, sents, spans)
	if len(ents) != 3 || ents[0].Name != "Ann Lee" || ents[0].Salience != 1 {
		t.Fatalf("want Ann Lee first with salience 1, got %+v", ents)
	}
	if ents[1].Name != "Paris" || ents[2].Name != "Acme" {
		t.Errorf("want Paris then Acme, got %q %q", ents[1].Name, ents[2].Name)
	}
}

func FuzzResolve(f *testing.F) {
	f.Add("The US Secretary of State John Kerry met Mr Kerry and Lavrov’s aides in Moscow.", []byte{0, 5, 7, 1, 8, 2, 3, 11, 1})
	f.Add("Ann Lee, the foreign minister, met the foreign minister.", []byte{0, 0, 2, 2, 6, 3})
	f.Add("“Go,” said Dr. Who — the U.N. envoy — in São Paulo.", []byte{1, 4, 2, 3, 8, 3, 9, 12, 2})
	f.Fuzz(func(t *testing.T, body string, seed []byte) {
		if !utf8.ValidString(body) {
			return
		}
		toks := text.Tokenize(body)
		sents := text.Sentences(body, toks)
		types := [...]string{"PER", "ORG", "LOC", "MISC", "X"}
		var spans []Span
		for i := 0; i+2 < len(seed); i += 3 {
			from := int(seed[i]) - 2
			spans = append(spans, Span{Type: types[int(seed[i+2])%len(types)], From: from, To: from + int(seed[i+1]%6)})
		}
		checkInvariants(t, body, Resolve(body, toks, sents, spans))
	})
}

func BenchmarkResolve(b *testing.B) {
	story := "The US Secretary of State [PER John Kerry] will arrive in [LOC Moscow] on Thursday to meet his counterpart [PER Sergey Lavrov]. " +
		"The spokesman for the [ORG Kremlin] [PER Dmitry Peskov] said that [PER President Putin] will receive Mr [PER Kerry]. " +
		"[PER Lavrov’s] remarks in [LOC Baku] included an attack on the [ORG UN] envoy [PER Staffan de Mistura]. " +
		"Later the US Secretary of State met the [MISC Russian] [ORG Foreign Ministry] and Kerry left for [LOC Syria].\n\n"
	body, toks, sents, spans := marked(b, strings.Repeat(story, 8))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Resolve(body, toks, sents, spans)
	}
	b.ReportMetric(float64(len(toks))*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}
