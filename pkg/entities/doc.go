package entities

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/text"
)

// Token ownership codes: the low bits give the type of the mention covering a
// token, ownStart marks its first token.
const (
	ownNone uint8 = iota
	ownPER
	ownORG
	ownLOC
	ownMISC
	ownTypeMask uint8 = 7
	ownStart    uint8 = 8
)

// Genders implied by honorifics or first names.
const (
	genderUnknown int8 = iota
	genderMale
	genderFemale
)

// maxRoleTokens bounds the length of a captured role.
const maxRoleTokens = 12

// mention is one normalised name occurrence: tokens [from, to).
type mention struct {
	typ      string
	from, to int
	key      string // lowercased tokens joined by one space; dots dropped from acronyms
	ntok     int
	gender   int8
	cluster  int
	roleRef  bool // a role reference such as "the Russian Foreign Minister"
	roleFrom int  // captured role tokens [roleFrom, roleTo), if any
	roleTo   int
}

// cluster is one entity under construction.
type cluster struct {
	typ      string
	key      string
	name     string
	nameTok  int // token count of the name
	gender   int8
	last     int // token index of the latest mention seen while clustering
	count    int
	role     string
	roleLen  int // rank of role: its token count, lowered for all-capitals roles
	redirect int // merged into this cluster (non-PER merges), or -1
}

// doc holds the per-story working state of Resolve.
type doc struct {
	body     string
	toks     []text.Token
	sents    []text.Sentence
	cls      []uint16
	own      []uint8
	tokByte  []int
	ments    []mention
	clusters []cluster

	positions    map[string][]int // person key -> token indexes of its mentions
	fullBySuffix map[string][]int // surname form -> full-name clusters ending in it
	fullByFirst  map[string][]int // first word -> full-name clusters starting with it
}

func newDoc(body string, toks []text.Token, sents []text.Sentence) *doc {
	d := &doc{body: body, toks: toks, sents: sents}
	d.cls = make([]uint16, len(toks))
	for i := range toks {
		d.cls[i] = classOf(toks[i].Text)
	}
	d.own = make([]uint8, len(toks))
	return d
}

// typeCode maps an entity type to its ownership code (ownNone if unknown).
func typeCode(t string) uint8 {
	switch t {
	case article.TypePerson:
		return ownPER
	case article.TypeOrganization:
		return ownORG
	case article.TypeLocation:
		return ownLOC
	case article.TypeMisc:
		return ownMISC
	}
	return ownNone
}

var typeNames = [...]string{ownPER: article.TypePerson, ownORG: article.TypeOrganization, ownLOC: article.TypeLocation, ownMISC: article.TypeMisc}

// sentBounds returns the token range of the sentence holding token i.
func (d *doc) sentBounds(i int) (int, int) {
	n := len(d.sents)
	k := sort.Search(n, func(k int) bool { return d.sents[k].To > i })
	if k < n && d.sents[k].From <= i && d.sents[k].To <= len(d.toks) {
		return d.sents[k].From, d.sents[k].To
	}
	return 0, len(d.toks)
}

// computeBytes records the byte offset of every token in body, or -1 where
// the token offsets do not fit the body.
func (d *doc) computeBytes() {
	d.tokByte = make([]int, len(d.toks))
	b, r := 0, 0
	for i, t := range d.toks {
		for r < t.Start && b < len(d.body) {
			if d.body[b] < utf8.RuneSelf {
				b++
			} else {
				_, w := utf8.DecodeRuneInString(d.body[b:])
				b += w
			}
			r++
		}
		if r == t.Start && strings.HasPrefix(d.body[b:], t.Text) {
			d.tokByte[i] = b
		} else {
			d.tokByte[i] = -1
		}
	}
}

// slice returns the body text covered by tokens [from, to).
func (d *doc) slice(from, to int) string {
	if d.tokByte == nil {
		d.computeBytes()
	}
	if to-from == 1 {
		return d.toks[from].Text
	}
	a, b := d.tokByte[from], d.tokByte[to-1]
	if a >= 0 && b >= a {
		return d.body[a : b+len(d.toks[to-1].Text)]
	}
	parts := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		parts = append(parts, d.toks[i].Text)
	}
	return strings.Join(parts, " ")
}

// lineBreakBefore reports whether a line break separates token i from
// token i-1 (a dateline or a paragraph break ends any role phrase).
func (d *doc) lineBreakBefore(i int) bool {
	if i <= 0 || i >= len(d.toks) {
		return false
	}
	if d.tokByte == nil {
		d.computeBytes()
	}
	a, b := d.tokByte[i-1], d.tokByte[i]
	if a < 0 || b < 0 {
		return false
	}
	a += len(d.toks[i-1].Text)
	return a <= b && strings.IndexByte(d.body[a:b], '\n') >= 0
}

// hasLower reports whether s has a lowercase letter.
func hasLower(s string) bool {
	for _, c := range s {
		if unicode.IsLower(c) {
			return true
		}
	}
	return false
}

// preferMixedCase replaces an all-capitals canonical name (from a dateline
// or headline, "CHICAGO") by the same name in ordinary case when the story
// has it.
func (d *doc) preferMixedCase() {
	for i := range d.ments {
		m := &d.ments[i]
		if m.cluster < 0 || m.roleRef {
			continue
		}
		cl := &d.clusters[m.cluster]
		if hasLower(cl.name) {
			continue
		}
		if t := d.slice(m.from, m.to); hasLower(t) && strings.EqualFold(t, cl.name) {
			cl.name = t
		}
	}
}

// tokKey appends the matching key of one token to sb: lowercase, with the
// dots of an acronym removed ("U.S." -> "us") and typographic apostrophes
// made straight ("O’Neill" -> "o'neill").
func tokKey(sb *strings.Builder, t string) {
	acr := isAcronym(t)
	for _, c := range t {
		switch {
		case acr && c == '.':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c == '’' || c == '‘' || c == 'ʼ':
			c = '\''
		case c >= utf8.RuneSelf:
			c = unicode.ToLower(c)
		}
		sb.WriteRune(c)
	}
}

// keyOf returns the matching key of tokens [from, to).
func (d *doc) keyOf(from, to int) string {
	var sb strings.Builder
	for i := from; i < to; i++ {
		if i > from {
			sb.WriteByte(' ')
		}
		tokKey(&sb, d.toks[i].Text)
	}
	return sb.String()
}

// tokEqual reports whether token t matches the key word w.
func tokEqual(t, w string) bool {
	if strings.EqualFold(t, w) {
		return true
	}
	if !strings.ContainsAny(t, ".’‘ʼ") {
		return false
	}
	var sb strings.Builder
	tokKey(&sb, t)
	return sb.String() == w
}

// honorificGender returns the gender implied by an honorific just before
// token i, and whether there is one.
func (d *doc) honorificGender(i int) int8 {
	if i <= 0 {
		return genderUnknown
	}
	c := d.cls[i-1]
	switch {
	case c&clsHonorific == 0:
		return genderUnknown
	case c&clsFemale != 0:
		return genderFemale
	case c&clsMale != 0:
		return genderMale
	}
	return genderUnknown
}

// collect sanitises the tagger's spans and normalises them into mentions.
func (d *doc) collect(spans []Span) {
	type raw struct {
		code     uint8
		from, to int
	}
	rs := make([]raw, 0, len(spans))
	for _, s := range spans {
		code := typeCode(s.Type)
		from, to := max(s.From, 0), min(s.To, len(d.toks))
		if code == ownNone || from >= to {
			continue
		}
		rs = append(rs, raw{code, from, to})
	}
	sort.SliceStable(rs, func(a, b int) bool { return rs[a].from < rs[b].from })
	d.ments = make([]mention, 0, len(rs)+len(rs)/2+4)
	lastTo := 0
	for _, r := range rs {
		if r.from < lastTo {
			continue // overlaps a kept span
		}
		lastTo = r.to
		from, to, ok := d.normalise(r.code, r.from, r.to)
		if !ok {
			continue
		}
		d.ments = append(d.ments, d.newMention(typeNames[r.code], from, to))
	}
}

// newMention builds a mention of tokens [from, to).
func (d *doc) newMention(typ string, from, to int) mention {
	return mention{
		typ: typ, from: from, to: to, key: d.keyOf(from, to), ntok: to - from,
		gender: d.honorificGender(from), cluster: -1,
	}
}

// normalise trims a span to the name it holds: possessives and punctuation
// at the end, determiners at the start and, for people, titles and
// honorifics before the name ("US Secretary of State John Kerry" -> "John
// Kerry"). It reports false when no name is left.
func (d *doc) normalise(code uint8, from, to int) (int, int, bool) {
	for to > from && (!isWordToken(d.toks[to-1].Text) || isPossessive(d.toks[to-1].Text)) {
		to--
	}
	for from < to && (!isWordToken(d.toks[from].Text) || d.cls[from]&clsDeterminer != 0) {
		from++
	}
	if from >= to {
		return 0, 0, false
	}
	if code != ownPER {
		return from, to, true
	}
	// The name starts after the last title-like token that is followed by
	// more tokens; a final "Major" (as in John Major) stays a name.
	for i := to - 2; i >= from; i-- {
		t := d.toks[i].Text
		c := d.cls[i]
		if !isWordToken(t) || c&(clsHonorific|clsTitle|clsOffice) != 0 ||
			(!upperFirst(t) && c&clsParticle == 0) || (isAcronym(t) && i < to-1) {
			from = i + 1
			break
		}
	}
	if !upperFirst(d.toks[to-1].Text) {
		return 0, 0, false
	}
	for i := from; i < to; i++ {
		if d.cls[i]&(clsHonorific|clsTitle|clsOffice|clsRoleNoun|clsModifier|clsFunction) == 0 {
			return from, to, true
		}
	}
	return 0, 0, false // "President" or "Senior Fellow" alone is no name
}

// sortMentions orders mentions by position.
func (d *doc) sortMentions() {
	sort.SliceStable(d.ments, func(a, b int) bool { return d.ments[a].from < d.ments[b].from })
}

// markOwners records which tokens each mention covers.
func (d *doc) markOwners() {
	clear(d.own)
	for i := range d.ments {
		d.markOwner(&d.ments[i])
	}
}

func (d *doc) markOwner(m *mention) {
	code := typeCode(m.typ)
	for k := m.from; k < m.to; k++ {
		d.own[k] = code
	}
	d.own[m.from] |= ownStart
}

// isPER reports whether token i is covered by a person mention.
func (d *doc) isPER(i int) bool { return d.own[i]&ownTypeMask == ownPER }

// personKeys returns the keys of every person mention and, for names of
// two or more tokens, of each of their shorter endings (surnames).
func (d *doc) personKeys() map[string]bool {
	keys := make(map[string]bool)
	for i := range d.ments {
		m := &d.ments[i]
		if m.typ != article.TypePerson {
			continue
		}
		for k := m.key; ; {
			keys[k] = true
			sp := strings.IndexByte(k, ' ')
			if sp < 0 {
				break
			}
			k = k[sp+1:]
		}
	}
	return keys
}

// repairSpans fixes two span-boundary errors of the tagger. A non-person
// span ending in a known person name ("Kremlin Dmitry Peskov" tagged ORG
// while "Peskov" is a person) is split into the organisation and the person,
// the person part taking a first name before the surname. A nationality or
// place directly before an organisation that starts with an office word
// ("Russian" + "Foreign Ministry") joins the organisation.
func (d *doc) repairSpans() {
	per := d.personKeys()
	out := d.ments[:0:0]
	for i := 0; i < len(d.ments); i++ {
		m := d.ments[i]
		if m.typ != article.TypePerson && m.ntok >= 2 {
			if p := d.personTail(&m, per); p > m.from {
				if from, to, ok := d.normalise(typeCode(m.typ), m.from, p); ok {
					out = append(out, d.newMention(m.typ, from, to))
				}
				out = append(out, d.newMention(article.TypePerson, p, m.to))
				continue
			}
		}
		if i+1 < len(d.ments) && (m.typ == article.TypeMisc || m.typ == article.TypeLocation) {
			n := &d.ments[i+1]
			if n.typ == article.TypeOrganization && n.from == m.to && d.cls[n.from]&(clsModifier|clsOffice) != 0 {
				out = append(out, d.newMention(article.TypeOrganization, m.from, n.to))
				i++
				continue
			}
		}
		out = append(out, m)
	}
	d.ments = out
}

// personTail returns where a known person name ending non-person mention m
// starts, or -1.
func (d *doc) personTail(m *mention, per map[string]bool) int {
	k := m.key
	p := m.from
	for {
		sp := strings.IndexByte(k, ' ')
		if sp < 0 {
			return -1
		}
		k = k[sp+1:]
		p++
		if per[k] {
			break
		}
	}
	for p-1 > m.from && d.cls[p-1]&(clsMaleName|clsFemaleName) != 0 {
		p--
	}
	return p
}

// unifyTypes makes one token sequence carry one type through the story: a
// sequence that is a full person name, or a surname of one, is a person
// wherever it appears; other sequences take the type most often given to
// them (the first one on a tie).
func (d *doc) unifyTypes() {
	perEvidence := make(map[string]bool)
	firstNames := make(map[string]string) // first word -> the one full key with it ("" if several)
	for i := range d.ments {
		m := &d.ments[i]
		if m.typ != article.TypePerson || m.ntok < 2 {
			continue
		}
		fw := m.key[:strings.IndexByte(m.key, ' ')]
		if k, ok := firstNames[fw]; !ok {
			firstNames[fw] = m.key
		} else if k != m.key {
			firstNames[fw] = ""
		}
		for k := m.key; ; {
			perEvidence[k] = true
			sp := strings.IndexByte(k, ' ')
			if sp < 0 {
				break
			}
			k = k[sp+1:]
		}
	}
	type vote struct {
		n     [5]int
		first uint8
	}
	votes := make(map[string]*vote, len(d.ments))
	for i := range d.ments {
		m := &d.ments[i]
		v := votes[m.key]
		if v == nil {
			v = &vote{first: typeCode(m.typ)}
			votes[m.key] = v
		}
		v.n[typeCode(m.typ)]++
	}
	for i := range d.ments {
		m := &d.ments[i]
		if perEvidence[m.key] {
			m.typ = article.TypePerson
			continue
		}
		if m.ntok == 1 && m.typ != article.TypeLocation && firstNames[m.key] != "" {
			// "Donald" tagged ORG in a story about Donald Trump.
			m.typ = article.TypePerson
			continue
		}
		v := votes[m.key]
		best := v.first
		for c := ownPER; c <= ownMISC; c++ {
			if v.n[c] > v.n[best] {
				best = c
			}
		}
		m.typ = typeNames[best]
	}
	d.markOwners()
}

// form is a name form the fix-up layer looks for in untagged text.
type form struct {
	words []string
	typ   string
}

// fixUp adds mentions for untagged token sequences equal to a name, or the
// surname of a person, that the story tags elsewhere.
func (d *doc) fixUp() {
	forms := make(map[string][]form)
	seen := make(map[string]bool)
	add := func(key, typ string) {
		if seen[key] {
			return
		}
		seen[key] = true
		words := strings.Split(key, " ")
		forms[words[0]] = append(forms[words[0]], form{words: words, typ: typ})
	}
	for i := range d.ments {
		m := &d.ments[i]
		k := m.key
		add(k, m.typ)
		for m.typ == article.TypePerson {
			sp := strings.IndexByte(k, ' ')
			if sp < 0 {
				break
			}
			k = k[sp+1:]
			add(k, m.typ)
		}
	}
	for _, fs := range forms {
		sort.SliceStable(fs, func(a, b int) bool { return len(fs[a].words) > len(fs[b].words) })
	}
	n := len(d.toks)
	var sb strings.Builder
	added := false
	for i := 0; i < n; i++ {
		t := d.toks[i].Text
		if d.own[i] != ownNone || !isWordToken(t) || !upperFirst(t) && d.cls[i]&clsParticle == 0 {
			continue
		}
		sb.Reset()
		tokKey(&sb, t)
		fs := forms[sb.String()]
		for _, f := range fs {
			to := i + len(f.words)
			if !d.matchForm(i, to, f.words) {
				continue
			}
			m := d.newMention(f.typ, i, to)
			d.ments = append(d.ments, m)
			d.markOwner(&d.ments[len(d.ments)-1])
			added = true
			i = to - 1
			break
		}
	}
	if added {
		d.sortMentions()
	}
}

// matchForm reports whether untagged tokens [from, to) spell words and stand
// alone (not part of a longer capitalised name the tagger skipped).
func (d *doc) matchForm(from, to int, words []string) bool {
	if to > len(d.toks) {
		return false
	}
	for j := from; j < to; j++ {
		t := d.toks[j].Text
		if d.own[j] != ownNone || !tokEqual(t, words[j-from]) {
			return false
		}
		if !upperFirst(t) && d.cls[j]&clsParticle == 0 {
			return false
		}
	}
	if !upperFirst(d.toks[to-1].Text) {
		return false
	}
	s0, s1 := d.sentBounds(from)
	if to < s1 && d.own[to] == ownNone && isWordToken(d.toks[to].Text) && upperFirst(d.toks[to].Text) &&
		d.cls[to]&clsFunction == 0 {
		return false
	}
	if p := from - 1; p > s0 && d.own[p] == ownNone && isWordToken(d.toks[p].Text) && upperFirst(d.toks[p].Text) &&
		d.cls[p]&(clsHonorific|clsTitle|clsOffice|clsFunction|clsDeterminer|clsRoleNoun) == 0 {
		return false
	}
	return true
}
