package quotes

import (
	"sort"
	"strings"

	"github.com/wirestream/wirestream/pkg/article"
)

// resolver maps speaker phrases to the story's entities.
type resolver struct {
	r      []rune
	ents   []article.Entity
	gender []byte       // per entity: 'm', 'f' or 0 when the story does not tell
	ms     []entMention // every entity mention, by start
}

// entMention is one mention of entity ent.
type entMention struct {
	m   article.Mention
	ent int
}

// roleNouns are role words a speaker phrase may use for a named person
// ("the spokesman", "the minister").
var roleNouns = map[string]bool{
	"spokesman": true, "spokeswoman": true, "spokesperson": true,
	"minister": true, "president": true, "secretary": true, "senator": true,
	"governor": true, "nominee": true, "candidate": true, "chairman": true,
	"chairwoman": true, "ambassador": true, "envoy": true, "mayor": true,
	"leader": true, "chief": true, "general": true, "premier": true,
	"chancellor": true, "congressman": true, "congresswoman": true,
	"representative": true, "speaker": true, "director": true,
	"manager": true, "adviser": true, "advisor": true, "aide": true,
	"commissioner": true, "prosecutor": true, "judge": true, "sheriff": true,
	"chair": true, "founder": true, "executive": true, "businessman": true,
	"businesswoman": true, "billionaire": true, "mogul": true, "king": true,
	"queen": true, "prince": true, "pope": true, "coach": true,
}

func newResolver(d *doc, ents []article.Entity) *resolver {
	r := &resolver{r: d.r, ents: ents}
	for i, e := range ents {
		for _, m := range e.Mentions {
			if m.Start >= 0 && m.End > m.Start && m.End <= len(d.r) {
				r.ms = append(r.ms, entMention{m, i})
			}
		}
	}
	sort.Slice(r.ms, func(i, j int) bool { return r.ms[i].m.Start < r.ms[j].m.Start })
	r.gender = make([]byte, len(ents))
	for i, e := range ents {
		r.gender[i] = roleGender(e.Role)
	}
	for _, em := range r.ms {
		if g := r.honorific(em.m.Start); g != 0 && r.gender[em.ent] == 0 {
			r.gender[em.ent] = g
		}
	}
	return r
}

// honorific returns the gender told by an honorific right before rune
// offset i ("Mrs. Clinton"), or 0.
func (r *resolver) honorific(i int) byte {
	j := i - 1
	for j >= 0 && r.r[j] == ' ' {
		j--
	}
	end := j + 1
	for j >= 0 && (r.r[j] == '.' || r.r[j] >= 'A' && r.r[j] <= 'z') {
		j--
	}
	switch strings.TrimSuffix(string(r.r[j+1:end]), ".") {
	case "Mr":
		return 'm'
	case "Mrs", "Ms", "Miss":
		return 'f'
	}
	return 0
}

// roleGender returns the gender a role states ("spokeswoman"), or 0.
func roleGender(role string) byte {
	for _, w := range strings.Fields(strings.ToLower(role)) {
		switch w {
		case "spokeswoman", "chairwoman", "congresswoman", "businesswoman", "actress",
			"wife", "mother", "daughter", "sister", "queen", "widow", "grandmother":
			return 'f'
		case "spokesman", "chairman", "congressman", "businessman", "actor",
			"husband", "father", "son", "brother", "king", "widower", "grandfather":
			return 'm'
		}
	}
	return 0
}

// pronounGender is the gender a pronoun requires, or 0.
func pronounGender(p string) byte {
	switch p {
	case "he":
		return 'm'
	case "she":
		return 'f'
	}
	return 0
}

// resolve returns the entity a speaker phrase m refers to, and the entity
// mention inside m when there is one (a narrower speaker mention). before is
// the rune offset of the quotation, bounding the search for antecedents.
func (r *resolver) resolve(m *article.Mention, before int) (*article.Entity, *article.Mention) {
	if len(r.ents) == 0 {
		return nil, nil
	}
	// An entity mention inside the phrase: a person before an organisation
	// before anything else, the one nearest the phrase's end among equals.
	// A place or other name counts only when it is the whole phrase ("Russia
	// said"), not a modifier ("the New York businessman").
	best, bestRank := -1, 0
	for i := sort.Search(len(r.ms), func(i int) bool { return r.ms[i].m.End > m.Start }); i < len(r.ms) && r.ms[i].m.Start < m.End; i++ {
		em := r.ms[i].m
		if em.End <= m.Start || em.End < m.End && r.possessive(em.End) {
			continue // "Obama's former strategist" is not Obama
		}
		rank := 1
		switch r.ents[r.ms[i].ent].Type {
		case article.TypePerson:
			rank = 3
		case article.TypeOrganization:
			rank = 2
		default:
			if em.Start > m.Start || em.End < m.End {
				continue
			}
		}
		if rank >= bestRank {
			best, bestRank = i, rank
		}
	}
	if best >= 0 {
		em := r.ms[best]
		mm := em.m
		return &r.ents[em.ent], &mm
	}
	low := strings.ToLower(m.Text)
	if typ, ok := pronouns[low]; ok {
		g := pronounGender(low)
		return r.nearest(m.Start, func(i int) bool {
			e := &r.ents[i]
			if g != 0 && r.gender[i] != 0 && r.gender[i] != g {
				return false // "she" is not Mr. Kerry
			}
			if typ == "" {
				return e.Type == article.TypePerson || e.Type == article.TypeOrganization
			}
			return e.Type == typ
		}), nil
	}
	words := strings.Fields(low)
	head := words[len(words)-1]
	if roleNouns[head] {
		match, matchEnd := -1, -2
		for i := range r.ents {
			if e := &r.ents[i]; e.Role != "" && len(e.Mentions) > 0 && strings.Contains(strings.ToLower(e.Role), head) {
				if end := r.lastBefore(i, m.Start); end > matchEnd {
					match, matchEnd = i, end
				}
			}
		}
		if match >= 0 {
			return &r.ents[match], nil
		}
		return r.nearest(m.Start, func(i int) bool { return r.ents[i].Type == article.TypePerson }), nil
	}
	// A name the tagger did not mark here: match by name or surname.
	for i := range r.ents {
		e := &r.ents[i]
		n := strings.ToLower(e.Name)
		if n == low || strings.HasSuffix(n, " "+low) {
			return e, nil
		}
	}
	return nil, nil
}

// possessive reports whether the body has 's or ’s at rune offset i.
func (r *resolver) possessive(i int) bool {
	return i+1 < len(r.r) && (r.r[i] == '\'' || r.r[i] == '’') && (r.r[i+1] == 's' || r.r[i+1] == 'S')
}

// lastBefore returns the end of the last mention of entity idx before
// pos, or -1.
func (r *resolver) lastBefore(idx, pos int) int {
	last := -1
	for _, em := range r.ms {
		if em.ent == idx && em.m.End <= pos {
			last = em.m.End
		}
	}
	return last
}

// maxAntecedents bounds how many mentions back a pronoun or role noun
// looks for its entity.
const maxAntecedents = 200

// nearest returns the entity accepted by ok with the last mention ending
// before pos, or nil.
func (r *resolver) nearest(pos int, ok func(ent int) bool) *article.Entity {
	first := sort.Search(len(r.ms), func(i int) bool { return r.ms[i].m.Start >= pos }) - 1
	for i := first; i >= 0 && first-i < maxAntecedents; i-- {
		if r.ms[i].m.End <= pos && ok(r.ms[i].ent) {
			return &r.ents[r.ms[i].ent]
		}
	}
	return nil
}
