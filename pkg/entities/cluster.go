package entities

import (
	"sort"
	"strings"

	"github.com/wirestream/wirestream/pkg/article"
)

// newCluster opens a cluster for mention m and returns its index.
func (d *doc) newCluster(m *mention) int {
	d.clusters = append(d.clusters, cluster{
		typ: m.typ, key: m.key, name: d.slice(m.from, m.to), nameTok: m.ntok,
		gender: m.gender, last: -1, redirect: -1,
	})
	return len(d.clusters) - 1
}

// firstNameGender guesses a gender from the first token of a full name.
func (d *doc) firstNameGender(m *mention) int8 {
	if m.ntok < 2 {
		return genderUnknown
	}
	c := d.cls[m.from]
	switch {
	case c&clsMaleName != 0 && c&clsFemaleName == 0:
		return genderMale
	case c&clsFemaleName != 0 && c&clsMaleName == 0:
		return genderFemale
	}
	return genderUnknown
}

// compatible reports whether a mention of gender g can name a person of
// gender h.
func compatible(g, h int8) bool { return g == genderUnknown || h == genderUnknown || g == h }

// clusterPersons groups person mentions. A name that is not the end of a
// longer name in the story (nor the lone first name of one) is a full name
// with its own cluster; a full name differing from exactly one longer one
// only by middle words joins it. A shorter form (surname, "de Mistura")
// joins a full name ending in it, choosing the most recently mentioned
// candidate, else the nearest one that follows, and skipping candidates
// whose gender contradicts the mention's honorific; a lone first name joins
// the one full name starting with it. A form no full name fits opens a
// surname cluster of its own.
func (d *doc) clusterPersons() {
	// suffixes holds every proper token-suffix of a person key, and
	// positions the token indexes where each key is mentioned, in order.
	suffixes := make(map[string]bool)
	firsts := make(map[string]bool) // first words of multi-word person keys
	d.positions = make(map[string][]int)
	for i := range d.ments {
		m := &d.ments[i]
		if m.typ != article.TypePerson {
			continue
		}
		d.positions[m.key] = append(d.positions[m.key], m.from)
		if m.ntok >= 2 {
			firsts[firstWord(m.key)] = true
		}
		for k := m.key; ; {
			sp := strings.IndexByte(k, ' ')
			if sp < 0 {
				break
			}
			k = k[sp+1:]
			suffixes[k] = true
		}
	}
	// Full names: person keys that do not end a longer person key.
	var fulls []*mention
	seen := make(map[string]bool)
	for i := range d.ments {
		m := &d.ments[i]
		if m.typ == article.TypePerson && !seen[m.key] && !suffixes[m.key] && (m.ntok > 1 || !firsts[m.key]) {
			seen[m.key] = true
			fulls = append(fulls, m)
		}
	}
	// A full name with the same first and last word as exactly one longer
	// full name is that name without its middle ("John Kerry", "John F.
	// Kerry").
	byEnds := make(map[string][]*mention)
	for _, m := range fulls {
		if m.ntok >= 2 {
			k := firstWord(m.key) + " " + lastWord(m.key)
			byEnds[k] = append(byEnds[k], m)
		}
	}
	alias := make(map[string]string)
	for _, m := range fulls {
		if m.ntok < 2 {
			continue
		}
		target, n := "", 0
		for _, o := range byEnds[firstWord(m.key)+" "+lastWord(m.key)] {
			if o.ntok > m.ntok {
				target, n = o.key, n+1
			}
		}
		if n == 1 {
			alias[m.key] = target
		}
	}
	full := make(map[string]int)
	d.fullBySuffix = make(map[string][]int)
	d.fullByFirst = make(map[string][]int)
	for _, m := range fulls {
		if _, ok := alias[m.key]; ok {
			continue
		}
		c := d.newCluster(m)
		full[m.key] = c
		if m.ntok >= 2 {
			fw := firstWord(m.key)
			d.fullByFirst[fw] = append(d.fullByFirst[fw], c)
		}
		for k := m.key; ; {
			sp := strings.IndexByte(k, ' ')
			if sp < 0 {
				break
			}
			k = k[sp+1:]
			d.fullBySuffix[k] = append(d.fullBySuffix[k], c)
		}
		if g := d.firstNameGender(m); g != genderUnknown {
			d.clusters[c].gender = g
		}
	}
	for k, t := range alias {
		for hops := 0; hops < 8; hops++ {
			if next, ok := alias[t]; ok {
				t = next
			}
		}
		if c, ok := full[t]; ok {
			full[k] = c
		}
	}
	// Honorifics on full-name mentions ("Mrs. Ann Lee") set the gender.
	for i := range d.ments {
		m := &d.ments[i]
		if m.typ != article.TypePerson || m.gender == genderUnknown {
			continue
		}
		if c, ok := full[m.key]; ok {
			d.clusters[c].gender = m.gender
		}
	}
	surname := make(map[string][]int)
	for i := range d.ments {
		m := &d.ments[i]
		if m.typ != article.TypePerson {
			continue
		}
		c, ok := full[m.key]
		if !ok {
			c = d.pickPerson(m, surname[m.key])
		}
		if c < 0 {
			c = d.newCluster(m)
			surname[m.key] = append(surname[m.key], c)
		}
		m.cluster = c
		cl := &d.clusters[c]
		cl.last = m.from
		if cl.gender == genderUnknown {
			cl.gender = m.gender
		}
	}
}

// pickPerson chooses the cluster a short person form belongs to, or -1.
func (d *doc) pickPerson(m *mention, surnames []int) int {
	best, bestLast := -1, -1
	next, nextFirst := -1, int(^uint(0)>>1)
	consider := func(c int) {
		cl := &d.clusters[c]
		if !compatible(m.gender, cl.gender) {
			return
		}
		if cl.last >= 0 && cl.last < m.from && cl.last > bestLast {
			best, bestLast = c, cl.last
		}
		if cl.last < 0 {
			if f := d.firstMention(cl.key, m.from); f >= 0 && f < nextFirst {
				next, nextFirst = c, f
			}
		}
	}
	for _, c := range d.fullBySuffix[m.key] {
		consider(c)
	}
	for _, c := range surnames {
		consider(c)
	}
	if best >= 0 {
		return best
	}
	if next >= 0 || m.ntok != 1 {
		return next
	}
	// A lone first name ("Hillary") names the one full name starting with it.
	only := -1
	for _, c := range d.fullByFirst[m.key] {
		if compatible(m.gender, d.clusters[c].gender) {
			if only >= 0 {
				return -1
			}
			only = c
		}
	}
	return only
}

// firstMention returns the token index of the first person mention with key
// after token from, or -1.
func (d *doc) firstMention(key string, from int) int {
	ps := d.positions[key]
	i := sort.SearchInts(ps, from+1)
	if i < len(ps) {
		return ps[i]
	}
	return -1
}

// clusterOthers groups organisation, location and misc mentions by key, then
// joins an acronym to the one long form whose initials spell it ("UN",
// "United Nations") and a shorter multi-word form to the one longer form of
// the same type ending in it ("Department of State").
func (d *doc) clusterOthers() {
	byKey := make(map[string]int)
	var ids []int
	for i := range d.ments {
		m := &d.ments[i]
		if m.typ == article.TypePerson {
			continue
		}
		k := m.key
		if m.typ == article.TypeOrganization && m.ntok >= 2 && d.cls[m.to-1]&clsCorporate != 0 {
			// "Apple Inc." and "Apple" are one company.
			k = d.keyOf(m.from, m.to-1)
		}
		c, ok := byKey[k]
		if !ok {
			c = d.newCluster(m)
			d.clusters[c].key = k
			byKey[k] = c
			ids = append(ids, c)
		}
		m.cluster = c
		if cl := &d.clusters[c]; m.ntok > cl.nameTok {
			cl.name, cl.nameTok = d.slice(m.from, m.to), m.ntok
		}
	}
	// Index long forms by their initials and multi-word keys by their
	// proper multi-word endings.
	byInitials := make(map[string][]int)
	byEnding := make(map[string][]int)
	byFirst := make(map[string][]int)
	var sb strings.Builder
	for _, c := range ids {
		cl := &d.clusters[c]
		if cl.nameTok < 2 {
			continue
		}
		sb.Reset()
		initials(&sb, cl.name)
		if sb.Len() >= 2 {
			byInitials[sb.String()] = append(byInitials[sb.String()], c)
		}
		if cl.typ == article.TypeOrganization {
			fw := firstWord(cl.key)
			byFirst[fw] = append(byFirst[fw], c)
		}
		for k := cl.key; ; {
			sp := strings.IndexByte(k, ' ')
			if sp < 0 || strings.IndexByte(k[sp+1:], ' ') < 0 {
				break
			}
			k = k[sp+1:]
			byEnding[k] = append(byEnding[k], c)
		}
	}
	for _, c := range ids {
		cl := &d.clusters[c]
		var cands []int
		switch {
		case cl.nameTok == 1 && isAcronym(cl.name):
			cands = byInitials[cl.key]
		case cl.nameTok == 1 && cl.typ == article.TypeOrganization && d.genericFree(cl.key):
			// "Hofstra" for "Hofstra University".
			cands = byFirst[cl.key]
		case cl.nameTok >= 2:
			for _, o := range byEnding[cl.key] {
				if d.clusters[o].typ == cl.typ {
					cands = append(cands, o)
				}
			}
		}
		if len(cands) == 1 && cands[0] != c {
			cl.redirect = cands[0]
		}
	}
	for i := range d.ments {
		m := &d.ments[i]
		if m.cluster < 0 || m.typ == article.TypePerson {
			continue
		}
		for hops := 0; d.clusters[m.cluster].redirect >= 0 && hops < 4; hops++ {
			m.cluster = d.clusters[m.cluster].redirect
		}
		m.typ = d.clusters[m.cluster].typ
	}
}

// genericFree reports whether a one-word key is specific enough to stand for
// a longer organisation name starting with it (not "National", "Foreign").
func (d *doc) genericFree(key string) bool {
	return classOf(key)&(clsModifier|clsOffice|clsTitle|clsRoleNoun|clsFunction|clsDeterminer) == 0
}

// initials writes the lowercase initials of the capitalised words of name
// ("United Nations" -> "un"; "Bank of England" -> "be").
func initials(sb *strings.Builder, name string) {
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '-' }) {
		if !upperFirst(w) {
			continue
		}
		c := w[0]
		if c >= 'A' && c <= 'Z' {
			sb.WriteByte(c + 'a' - 'A')
		}
	}
}

// firstWord returns the first space-separated word of key.
func firstWord(key string) string {
	if i := strings.IndexByte(key, ' '); i >= 0 {
		return key[:i]
	}
	return key
}

// lastWord returns the last space-separated word of key.
func lastWord(key string) string { return key[strings.LastIndexByte(key, ' ')+1:] }
