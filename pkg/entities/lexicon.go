package entities

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token classes used by name stripping and role capture. A token can belong
// to several classes.
const (
	clsHonorific  uint16 = 1 << iota // Mr, Mrs, Dr: stripped, never a role
	clsMale                          // honorific marking a man (Mr, Sir)
	clsFemale                        // honorific marking a woman (Mrs, Ms)
	clsTitle                         // title word stripped from names (President, Gen.)
	clsRoleNoun                      // head noun of a role (minister, spokesman)
	clsModifier                      // lowercase word allowed before a role head (foreign, deputy)
	clsOffice                        // word naming an office (State, Defence), never part of a name
	clsConnector                     // of, for: joins a role head to its complement
	clsFunction                      // capitalised function word or date word that ends a role
	clsParticle                      // name particle (de, van, bin)
	clsDeterminer                    // the, a, his: starts an appositive
	clsClauseWord                    // who, said, is: an appositive that is a clause
	clsMaleName                      // common male first name
	clsFemaleName                    // common female first name
	clsCorporate                     // company designator (Inc., Ltd, plc)
)

// lexicon maps a lowercased word to its classes. Lists are hand-written for
// English newswire; first-name lists are short and only decide whether a
// "Mrs."/"Mr" surname can belong to a full name.
var lexicon = map[string]uint16{}

func addWords(cls uint16, words string) {
	for _, w := range strings.Fields(words) {
		lexicon[w] |= cls
	}
}

func init() {
	addWords(clsHonorific|clsMale, "mr mr. mister sir lord messrs messrs.")
	addWords(clsHonorific|clsFemale, "mrs mrs. ms ms. miss mme mme. madam madame dame lady mlle mlle.")
	addWords(clsHonorific, "dr dr. prof prof. hon hon. rev rev. fr fr.")
	addWords(clsTitle, `president president-elect minister secretary chancellor premier prime
		gen gen. general sen sen. senator rep rep. representative gov gov. governor mayor
		king queen prince princess pope emperor empress sheikh sheik emir sultan ayatollah imam
		archbishop bishop cardinal rabbi judge justice capt capt. captain col col. colonel
		lt lt. lieutenant sgt sgt. sergeant adm adm. admiral maj maj. major cmdr cmdr. commander
		gen'l chairman chairwoman chairperson spokesman spokeswoman spokesperson ambassador
		envoy coach chief deputy vice acting interim former foreign interior defence defense
		secretary-general attorney-general congressman congresswoman councillor councilman
		commissioner inspector supt supt. insp insp. officer director ceo cfo democrat
		republican democratic libertarian gop tory labour conservative liberal socialist
		senior fellow`)
	addWords(clsRoleNoun, `president president-elect minister secretary chancellor premier
		general senator representative governor mayor king queen prince princess pope emperor
		empress sheikh sheik emir sultan ayatollah imam archbishop bishop cardinal rabbi judge
		justice captain colonel lieutenant sergeant admiral major commander chairman chairwoman
		chairperson chair spokesman spokeswoman spokesperson ambassador envoy coach chief
		director leader head officer official adviser advisor aide counsellor counselor
		attorney lawyer prosecutor manager executive ceo cfo coo founder owner analyst economist
		professor diplomat negotiator mediator correspondent editor reporter commissioner
		inspector congressman congresswoman councillor councilman lawmaker legislator mp
		candidate nominee treasurer ombudsman ruler monarch dictator striker midfielder
		defender goalkeeper captain-general secretary-general attorney-general undersecretary
		representative deputy superintendent constable marshal sheriff governor-general
		chancellor vice-president president-elect premier-elect speaker singer actor actress
		artist musician writer poet novelist journalist photographer architect designer
		scientist researcher doctor surgeon teacher activist campaigner banker investor
		entrepreneur businessman businesswoman billionaire tycoon magnate boss partner player
		forward winger quarterback pitcher batsman bowler driver champion athlete boxer golfer
		rapper comedian presenter host broadcaster historian spokesmen fellow`)
	addWords(clsCorporate, `inc inc. corp corp. co co. ltd ltd. plc llc l.l.c. ag sa s.a. nv
		n.v. gmbh spa s.p.a. bv pty`)
	addWords(clsModifier, `foreign interior defence defense finance home economy trade
		justice health education energy environment culture prime deputy vice acting interim
		former top senior chief special assistant executive general state federal regional
		national international presidential military police press opposition rebel
		government party first second new outgoing incoming then later de-facto de facto
		security intelligence`)
	addWords(clsOffice, `state department ministry office affairs house senate council
		commonwealth treasury exchequer cabinet`)
	addWords(clsConnector, "of for at to in")
	addWords(clsFunction, `on in at after before but and or when while as with by from to
		during since until then however meanwhile also yet so if it its this that these those
		he she they we i you there here what why how where monday tuesday wednesday thursday
		friday saturday sunday january february march april june july august september october
		november december jan jan. feb feb. mar mar. apr apr. jun jun. jul jul. aug aug.
		sep sep. sept sept. oct oct. nov nov. dec dec. today yesterday tomorrow earlier later
		said says told according under over about`)
	addWords(clsParticle, `de del della der den di da dos das du la le van von ter ten bin ibn
		al el abu ben st st.`)
	addWords(clsDeterminer, "the a an his her its their our my your")
	addWords(clsClauseWord, `who whom whose which that is was are were be been has have had
		will would can could may might must shall should said says told added also who's
		did does do not`)
	// Common English-language first names: enough to tell "Mrs. Jones" from
	// "Tom Jones"; names not listed leave the gender unknown.
	addWords(clsMaleName, `john james robert michael william david richard joseph thomas tom
		charles christopher daniel matthew anthony mark donald steven paul andrew joshua kenneth
		kevin brian george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric
		jonathan stephen larry justin scott brandon benjamin samuel sam gregory alexander frank
		patrick raymond jack dennis jerry tyler aaron jose adam henry nathan douglas peter
		zachary kyle walter harold jeremy ethan carl keith roger gerald christian terry sean
		arthur austin noah lawrence jesse joe bryan billy bill jordan albert dylan bruce willie
		gabriel alan juan logan wayne ralph roy eugene randy vincent russell louis philip bobby
		johnny bradley vladimir sergey sergei dmitry dmitri boris barack hassan ali mohammed
		muhammad ahmed francois emmanuel jean pierre hans klaus giuseppe giovanni xi recep
		staffan tony gordon nick ben tim jim mike dave chris steve bob fred ted`)
	addWords(clsFemaleName, `mary patricia jennifer linda elizabeth barbara susan jessica sarah
		karen nancy lisa betty margaret sandra ashley kimberly emily donna michelle dorothy
		carol amanda melissa deborah stephanie rebecca sharon laura cynthia kathleen amy shirley
		angela helen anna ann anne brenda pamela nicole emma samantha katherine christine debra
		rachel catherine carolyn janet ruth maria heather diane virginia julie joyce victoria
		olivia kelly christina lauren joan evelyn judith megan cheryl andrea hannah martha
		jacqueline frances gloria teresa theresa kathryn sara janice jean alice madison doris
		abigail julia judy grace denise amber marilyn beverly danielle theresa sophia marie
		diana brittany natalie isabella charlotte rose alexis kayla hillary angela ursula
		christine nicola jacinda kamala condoleezza madeleine federica marine segolene
		yulia maria irina olga natalia svetlana tatiana golda indira benazir aung`)
}

// upperFirst reports whether s begins with an uppercase letter.
func upperFirst(s string) bool {
	if s == "" {
		return false
	}
	if c := s[0]; c < utf8.RuneSelf {
		return c >= 'A' && c <= 'Z'
	}
	c, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(c)
}

// isWordToken reports whether s begins with a letter.
func isWordToken(s string) bool {
	if s == "" {
		return false
	}
	if c := s[0]; c < utf8.RuneSelf {
		return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
	}
	c, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(c)
}

// isPossessive reports whether s is a possessive clitic ('s, ’s, ' or ’).
func isPossessive(s string) bool {
	switch s {
	case "'s", "’s", "'S", "’S", "'", "’":
		return true
	}
	return false
}

// isAcronym reports whether s is an all-capitals abbreviation of 2 to 8
// letters, optionally with dots ("UN", "U.S.", "NATO").
func isAcronym(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			n++
		case c == '.':
		default:
			return false
		}
	}
	return n >= 2 && n <= 8
}

// classOf returns the lexicon classes of w, lowercasing ASCII without
// allocating. Words with non-ASCII letters are lowercased with strings.ToLower.
func classOf(w string) uint16 {
	var buf [24]byte
	if len(w) > len(buf) {
		return lexicon[strings.ToLower(w)]
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return lexicon[strings.ToLower(w)]
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return lexicon[string(buf[:len(w)])]
}

// hyphenClass returns the classes of the last hyphen-separated part of w, so
// that "Secretary-General" and "ex-minister" count as role nouns.
func hyphenClass(w string) uint16 {
	if i := strings.LastIndexByte(w, '-'); i >= 0 && i+1 < len(w) {
		return classOf(w[i+1:])
	}
	return 0
}
