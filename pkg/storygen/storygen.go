// Package storygen writes synthetic wire stories for load tests and
// benchmarks: deterministic for a seed, of realistic length (about 350 to
// 700 words), with named people, organisations and places, and a realistic
// density of direct, partial and interrupted quotes.
//
// The vocabulary is invented for the project; the stories read like wire
// copy but report nothing real.
package storygen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
)

type person struct{ first, last, role, org string }

var people = []person{
	{"Marta", "Oyelaran", "finance minister", "the Treasury"},
	{"Tomasz", "Wierzbicki", "chief executive", "Baltic Freight Lines"},
	{"Helen", "Achterberg", "spokeswoman", "the European Commission"},
	{"Rafael", "Quintanilla", "central bank governor", "the Banco de Reserva"},
	{"Anneke", "Visser", "union leader", "the Dockworkers Federation"},
	{"Yusuf", "Karadeniz", "energy minister", "the Energy Ministry"},
	{"Claire", "Dubreuil", "senior analyst", "Meridian Capital"},
	{"Kenji", "Morimoto", "trade negotiator", "the Trade Ministry"},
	{"Priya", "Ramaswamy", "climate envoy", "the United Nations"},
	{"Oskar", "Lindqvist", "opposition leader", "the Social Alliance"},
	{"Fatima", "Benali", "mayor", "the city council"},
	{"Daniel", "Okafor", "police commissioner", "the Metropolitan Police"},
}

var places = []string{"Brussels", "Lisbon", "Nairobi", "Jakarta", "Montevideo", "Tallinn", "Osaka", "Cape Town", "Warsaw", "Ankara", "Lima", "Geneva"}

var topics = []struct{ subject, issue, thing string }{
	{"economy", "inflation", "the budget plan"},
	{"energy", "gas prices", "the pipeline deal"},
	{"transport", "the port strike", "the wage offer"},
	{"environment", "flood defences", "the emissions target"},
	{"politics", "the coalition talks", "the reform bill"},
	{"trade", "steel tariffs", "the export quota"},
}

var cues = []string{"said", "told reporters", "added", "said in a statement", "told a news conference", "warned"}

var fillers = []string{
	"Officials met for several hours on %s to discuss %s, according to people familiar with the talks.",
	"The meeting in %s came after weeks of pressure over %s.",
	"Markets reacted cautiously to the news, with analysts divided over what %s would mean for households.",
	"A draft seen by reporters sets out a timetable for %s but leaves several questions open.",
	"Critics have argued for months that %s was moving too slowly.",
	"The proposal will be put to a vote next week, and its backers expect a narrow majority.",
	"Figures published on Tuesday showed that %s had eased slightly in the third quarter.",
	"Several delegations asked for more time before committing to %s.",
	"The government has promised to publish a full assessment before the end of the year.",
	"Talks are due to resume in %s on Monday.",
}

var sayings = []string{
	"We are not going to accept a deal that leaves working families worse off",
	"This is the moment to act, and everyone around the table knows it",
	"There is no quick fix here, but there is a path forward",
	"Nobody should be surprised by these numbers",
	"We have made real progress, although important differences remain",
	"The cost of doing nothing would be far higher",
	"I expect an agreement within weeks, not months",
	"Our members have been patient, but patience has limits",
	"The figures speak for themselves",
	"We will look carefully at every option before we decide",
}

var fragments = []string{
	"a serious mistake", "deeply worrying", "a first step", "not acceptable", "long overdue", "a fair compromise",
}

// Generator produces stories from a seeded random source. It is not safe for
// concurrent use; give each goroutine its own.
type Generator struct {
	rng    *rand.Rand
	source string
	base   time.Time
}

// New returns a generator whose stories all come from source and are
// reproducible for the same seed.
func New(seed uint64, source string) *Generator {
	return &Generator{
		rng:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		source: source,
		base:   time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC),
	}
}

func (g *Generator) pick(n int) int { return g.rng.IntN(n) }

// Story returns story number n as a Wirestream JSON article (raw: no
// entities or quotes). Its guid is "<source>-<n>", so the same n always gives
// the same id; version is 1.
func (g *Generator) Story(n int) *article.Article {
	var b strings.Builder
	place := places[g.pick(len(places))]
	topic := topics[g.pick(len(topics))]
	cast := g.rng.Perm(len(people))[:3]
	lead := people[cast[0]]
	second := people[cast[1]]
	third := people[cast[2]]

	headline := fmt.Sprintf("%s says talks on %s in %s at critical stage", lead.last, topic.issue, place)
	fmt.Fprintf(&b, "%s (Wirestream) - %s %s, %s of %s, said on Tuesday that talks on %s had reached a critical stage.",
		strings.ToUpper(place), lead.first, lead.last, lead.role, lead.org, topic.issue)
	paragraphs := 10 + g.pick(8)
	quoteCount := 0
	for p := 0; p < paragraphs; p++ {
		b.WriteString("\n\n")
		switch g.pick(7) {
		case 0: // direct quote, speaker after
			who := []person{lead, second, third}[g.pick(3)]
			fmt.Fprintf(&b, "“%s,” %s %s.", sayings[g.pick(len(sayings))], who.last, cues[g.pick(len(cues))])
			quoteCount++
		case 1: // speaker first with colon and full sentence
			who := []person{second, third}[g.pick(2)]
			fmt.Fprintf(&b, "%s %s, the %s, %s: “%s.”", who.first, who.last, who.role, cues[g.pick(3)], sayings[g.pick(len(sayings))])
			quoteCount++
		case 2: // partial quote in reported speech
			who := []person{lead, second, third}[g.pick(3)]
			fmt.Fprintf(&b, "%s described %s as “%s” and said it would be reviewed.", who.last, topic.thing, fragments[g.pick(len(fragments))])
			quoteCount++
		case 3: // interrupted quote
			who := []person{lead, second}[g.pick(2)]
			s := sayings[g.pick(len(sayings))]
			fmt.Fprintf(&b, "“The problem,” %s said, “is that %s.”", who.last, strings.ToLower(s[:1])+s[1:])
			quoteCount++
		default:
			for i := 0; i < 3+g.pick(3); i++ {
				if i > 0 {
					b.WriteByte(' ')
				}
				f := fillers[g.pick(len(fillers))]
				switch strings.Count(f, "%s") {
				case 0:
					b.WriteString(f)
				case 1:
					fmt.Fprintf(&b, f, []string{topic.thing, topic.issue, place}[g.pick(3)])
				default:
					fmt.Fprintf(&b, f, place, topic.thing)
				}
			}
		}
	}
	if quoteCount == 0 {
		fmt.Fprintf(&b, "\n\n“%s,” %s said.", sayings[g.pick(len(sayings))], lead.last)
	}
	published := g.base.Add(time.Duration(n) * time.Minute)
	a := &article.Article{
		SchemaVersion: article.SchemaVersion,
		Version:       1,
		Source:        g.source,
		SourceGUID:    fmt.Sprintf("%s-%d", g.source, n),
		Headline:      headline,
		Byline:        "By Wirestream staff",
		Dateline:      place,
		Body:          b.String(),
		Language:      "en",
		PublishedAt:   published,
		UpdatedAt:     published,
		Subjects:      []string{topic.subject},
		Urgency:       3 + g.pick(4),
		Status:        article.StatusUsable,
		Format:        article.FormatJSON,
	}
	a.AssignID()
	return a
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
