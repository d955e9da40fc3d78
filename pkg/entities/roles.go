package entities

import (
	"strings"

	"github.com/wirestream/wirestream/pkg/article"
)

// isConnectorWord reports whether token i is a lowercase preposition that
// joins a role head to its complement ("Secretary of State").
func (d *doc) isConnectorWord(i int) bool {
	return d.cls[i]&clsConnector != 0 && !upperFirst(d.toks[i].Text)
}

// isLowerThe reports whether token i is a lowercase "the".
func (d *doc) isLowerThe(i int) bool { return d.toks[i].Text == "the" }

// preRole captures the role written before a name that starts at token from:
// "The Russian Foreign Minister Sergey Lavrov", "the spokesman for the
// Kremlin Dmitry Peskov". It returns the role tokens, or an empty range.
func (d *doc) preRole(from int) (int, int) {
	s0, s1 := d.sentBounds(from)
	if d.titleCase(s0, s1) {
		return 0, 0 // a headline: capitalised verbs would pass for a role
	}
	j := from - 1
	if j >= s0 && d.cls[j]&clsHonorific != 0 {
		j-- // Foreign Minister Mr Lavrov
	}
	end := j + 1
	start := end
walk:
	for ; j >= s0 && end-j <= maxRoleTokens; j-- {
		t := d.toks[j].Text
		c := d.cls[j]
		switch {
		case d.isPER(j) || d.lineBreakBefore(j+1):
			break walk
		case !isWordToken(t):
			if isPossessive(t) && j-1 >= s0 && upperFirst(d.toks[j-1].Text) {
				start = j // Russia's foreign minister
				continue
			}
			break walk
		case d.isConnectorWord(j) && j+1 < end && (upperFirst(d.toks[j+1].Text) || d.isLowerThe(j+1)):
			start = j
		case d.isLowerThe(j) && j-1 >= s0 && d.isConnectorWord(j-1):
			start = j
		case c&(clsFunction|clsDeterminer|clsClauseWord) != 0:
			break walk
		case upperFirst(t):
			start = j
		case c&(clsRoleNoun|clsModifier|clsOffice) != 0 || hyphenClass(t)&clsRoleNoun != 0:
			start = j
		default:
			break walk
		}
	}
	return d.validRole(start, end)
}

// titleCase reports whether tokens [s0, s1) read like a title-case headline:
// at least four words, nearly all capitalised apart from short function
// words.
func (d *doc) titleCase(s0, s1 int) bool {
	words, caps := 0, 0
	for i := s0; i < s1; i++ {
		t := d.toks[i].Text
		if !isWordToken(t) || d.cls[i]&(clsConnector|clsDeterminer|clsParticle) != 0 && !upperFirst(t) {
			continue
		}
		words++
		if upperFirst(t) {
			caps++
		}
	}
	return words >= 4 && caps*10 >= words*9
}

// apposition captures a role set off after a name ending at token to:
// "Sergey Lavrov, the foreign minister, said".
func (d *doc) apposition(to int) (int, int) {
	_, s1 := d.sentBounds(max(to-1, 0))
	i := to
	if i >= s1 || d.toks[i].Text != "," {
		return 0, 0
	}
	i++
	if i < s1 && d.cls[i]&clsDeterminer != 0 {
		i++
	} else if i < s1 && !upperFirst(d.toks[i].Text) && d.cls[i]&(clsModifier|clsRoleNoun) == 0 {
		return 0, 0 // a clause ("Trump, providing a boost to ..."), not a role
	}
	start := i
	for ; i < s1; i++ {
		t := d.toks[i].Text
		switch t {
		case ",", ".", ";", ":", ")", "—", "–", "--":
			return d.validRole(start, i)
		}
		if i-start >= maxRoleTokens || d.isPER(i) || d.cls[i]&clsClauseWord != 0 || d.lineBreakBefore(i) ||
			!isWordToken(t) && !isPossessive(t) {
			return 0, 0
		}
	}
	return d.validRole(start, i)
}

// validRole trims connectors from the start of a candidate role and checks it
// has a role head: the last role noun must end the phrase or be followed by a
// preposition ("Secretary of State", "spokesman for the Kremlin").
func (d *doc) validRole(start, end int) (int, int) {
	for start < end && (d.isConnectorWord(start) || d.isLowerThe(start) || isPossessive(d.toks[start].Text)) {
		start++
	}
	if end-start <= 0 {
		return 0, 0
	}
	for h := end - 1; h >= start; h-- {
		if d.cls[h]&clsRoleNoun != 0 || hyphenClass(d.toks[h].Text)&clsRoleNoun != 0 {
			if h+1 == end || d.isConnectorWord(h+1) {
				return start, end
			}
			return 0, 0
		}
	}
	return 0, 0
}

// assignRoles captures the roles of every person mention and gives each
// person the fullest one (most tokens, first on a tie; all-capitals roles
// only when there is no other).
func (d *doc) assignRoles() {
	for i := range d.ments {
		m := &d.ments[i]
		if m.typ != article.TypePerson || m.cluster < 0 {
			continue
		}
		a, b := d.preRole(m.from)
		if x, y := d.apposition(m.to); y-x > b-a {
			a, b = x, y
		}
		if b <= a {
			continue
		}
		m.roleFrom, m.roleTo = a, b
		// Roles in capitals (headlines) rank below roles in ordinary case.
		role := d.slice(a, b)
		rank := b - a
		if !hasLower(role) {
			rank -= maxRoleTokens
		}
		if cl := &d.clusters[m.cluster]; cl.role == "" || rank > cl.roleLen {
			cl.role, cl.roleLen = role, rank
		}
	}
}

// roleForm is a role of at least two words held by exactly one person.
type roleForm struct {
	words   []string
	cluster int
}

// roleReferences adds a mention for each definite role reference without a
// name ("the Russian Foreign Minister") when exactly one person in the story
// holds that role.
func (d *doc) roleReferences() {
	holders := make(map[string]int)
	for i := range d.ments {
		m := &d.ments[i]
		if m.roleTo-m.roleFrom < 2 {
			continue
		}
		k := d.keyOf(m.roleFrom, m.roleTo)
		if c, ok := holders[k]; ok && c != m.cluster {
			holders[k] = -1
		} else if !ok {
			holders[k] = m.cluster
		}
	}
	byFirst := make(map[string][]roleForm)
	for k, c := range holders {
		if c < 0 {
			continue
		}
		w := strings.Split(k, " ")
		byFirst[w[0]] = append(byFirst[w[0]], roleForm{words: w, cluster: c})
	}
	if len(byFirst) == 0 {
		return
	}
	var sb strings.Builder
	added := false
	n := len(d.toks)
	for i := 0; i+1 < n; i++ {
		if !strings.EqualFold(d.toks[i].Text, "the") {
			continue
		}
		if i >= 2 && d.toks[i-1].Text == "," && d.isPER(i-2) {
			continue // an apposition of the name just before
		}
		sb.Reset()
		tokKey(&sb, d.toks[i+1].Text)
		for _, f := range byFirst[sb.String()] {
			from, to := i+1, i+1+len(f.words)
			if !d.matchRole(from, to, f.words) {
				continue
			}
			m := mention{typ: article.TypePerson, from: from, to: to, ntok: to - from, cluster: f.cluster, roleRef: true}
			d.ments = append(d.ments, m)
			for k := from; k < to; k++ {
				d.own[k] = ownPER
			}
			d.own[from] |= ownStart
			added = true
			i = to - 1
			break
		}
	}
	if added {
		d.sortMentions()
	}
}

// matchRole reports whether tokens [from, to) spell the role words, touch no
// person mention and are not followed by a name (where the role would be a
// pre-modifier, already counted with the name).
func (d *doc) matchRole(from, to int, words []string) bool {
	if to > len(d.toks) {
		return false
	}
	for j := from; j < to; j++ {
		if d.isPER(j) || !tokEqual(d.toks[j].Text, words[j-from]) {
			return false
		}
	}
	k := to
	if k < len(d.toks) && d.cls[k]&clsHonorific != 0 {
		k++
	}
	if k < len(d.toks) && (d.isPER(k) || upperFirst(d.toks[k].Text) && d.cls[k]&clsFunction == 0) {
		return false
	}
	return true
}
