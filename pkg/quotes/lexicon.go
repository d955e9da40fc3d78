package quotes

import "strings"

// speechLemmas are verbs that introduce or attribute speech or writing.
// Regular inflections are derived by inflect; irregular forms are listed in
// irregularForms.
var speechLemmas = []string{
	"say", "tell", "add", "state", "ask", "insist", "warn", "explain", "note",
	"write", "tweet", "declare", "announce", "argue", "claim", "continue",
	"reply", "respond", "answer", "remark", "comment", "observe", "suggest",
	"acknowledge", "admit", "assert", "maintain", "contend", "concede",
	"recall", "predict", "promise", "vow", "pledge", "urge", "demand",
	"complain", "boast", "brag", "joke", "quip", "shout", "scream", "yell",
	"exclaim", "whisper", "mutter", "murmur", "cry", "testify", "confirm",
	"deny", "report", "reveal", "disclose", "repeat", "reiterate",
	"emphasize", "emphasise", "stress", "conclude", "counter", "retort",
	"post", "text", "email", "recount", "muse", "wonder", "lament", "charge",
	"allege", "blast", "slam", "thunder", "proclaim", "reason", "reflect",
	"speculate", "underscore", "agree", "caution", "advise", "object",
	"protest", "plead", "beg", "interject", "snap", "grumble", "fume", "rant",
	"chide", "scold", "mock", "tease", "taunt", "assure", "inform", "indicate",
	"hint", "affirm", "swear", "guarantee", "forecast", "estimate", "describe",
	"opine", "sigh", "laugh", "chant", "sing", "preach", "lecture", "scoff",
	"gush", "rave", "marvel", "recommend", "propose", "point", "quote",
	"elaborate", "clarify", "specify", "mention", "acknowledge", "question",
	"challenge", "dismiss", "criticize", "criticise", "praise", "thank",
	"accuse", "caution", "rebut", "retort", "begin", "go", "write", "tell",
	"speak", "declare", "pronounce", "bark", "confess", "echo", "boom",
	"riff", "chime", "interrupt", "holler", "hiss", "growl", "roar",
	"sneer", "snarl", "exult", "crow", "intone", "offer", "concur",
	"venture", "recite", "relay", "alert", "tout", "trumpet", "read",
	"shoot", "fire", "hit", "push", "insinuate", "retweet", "blog",
	"muse", "gripe", "bemoan", "decry", "denounce", "vent", "lash",
	"inquire", "query", "pose", "greet", "toast", "reassure", "demur", "beam", "admit", "surmise", "remember",
	"retaliate", "paraphrase", "submit", "regret", "chat",
}

// irregularForms maps irregular lemmas to their other forms.
var irregularForms = map[string][]string{
	"say":      {"says", "said", "saying"},
	"tell":     {"tells", "told", "telling"},
	"write":    {"writes", "wrote", "written", "writing"},
	"swear":    {"swears", "swore", "sworn", "swearing"},
	"sing":     {"sings", "sang", "sung", "singing"},
	"begin":    {"begins", "began", "begun", "beginning"},
	"go":       {"goes", "went", "gone", "going"},
	"speak":    {"speaks", "spoke", "spoken", "speaking"},
	"cry":      {"cries", "cried", "crying"},
	"reply":    {"replies", "replied", "replying"},
	"deny":     {"denies", "denied", "denying"},
	"testify":  {"testifies", "testified", "testifying"},
	"specify":  {"specifies", "specified", "specifying"},
	"clarify":  {"clarifies", "clarified", "clarifying"},
	"snap":     {"snaps", "snapped", "snapping"},
	"beg":      {"begs", "begged", "begging"},
	"brag":     {"brags", "bragged", "bragging"},
	"quip":     {"quips", "quipped", "quipping"},
	"rebut":    {"rebuts", "rebutted", "rebutting"},
	"forecast": {"forecasts", "forecast", "forecasting"},
	"read":     {"reads", "read", "reading"},
	"shoot":    {"shoots", "shot", "shooting"},
	"hit":      {"hits", "hit", "hitting"},
	"echo":     {"echoes", "echoed", "echoing"},
	"blog":     {"blogs", "blogged", "blogging"},
	"retweet":  {"retweets", "retweeted", "retweeting"},
	"text":     {"texts", "texted", "texting"},
	"admit":    {"admits", "admitted", "admitting"},
	"submit":   {"submits", "submitted", "submitting"},
	"regret":   {"regrets", "regretted", "regretting"},
	"chat":     {"chats", "chatted", "chatting"},
}

// weakCues are speech verbs that only count as a cue right next to a quote
// or a speaker, since they have common non-speech uses ("go", "point",
// "continue", "question", "begin", "post", "text", "report").
var weakCues = map[string]bool{
	"go": true, "goes": true, "went": true, "going": true, "gone": true,
	"point": true, "points": true, "begin": true, "begins": true, "began": true,
	"question": true, "questions": true, "post": true, "posts": true,
	"text": true, "texts": true, "report": true, "reports": true,
	"object": true, "objects": true, "counter": true, "counters": true,
	"charge": true, "charges": true, "quote": true, "quotes": true,
	"continue": true, "continues": true, "continuing": true,
	"challenge": true, "challenges": true, "sing": true, "sings": true,
	"laugh": true, "laughs": true, "laughing": true, "answer": true,
	"read": true, "reads": true, "reading": true, "shot": true, "shoots": true,
	"shoot": true, "fire": true, "fires": true, "fired": true, "hit": true,
	"hits": true, "push": true, "pushed": true, "pushes": true, "offer": true,
	"offers": true, "offered": true, "pose": true, "posed": true,
	"greet": true, "greeted": true, "toast": true, "toasted": true,
	"lash": true, "lashed": true, "echo": true, "boom": true, "boomed": true,
	"crow": true, "interrupt": true, "interrupted": true, "relay": true,
	"relayed": true, "alert": true, "alerted": true, "inform": true,
	"informed": true, "hitting": true, "shooting": true, "firing": true,
	"pushing": true, "offering": true, "email": true, "emails": true,
}

// speechVerbs holds every form of every speech lemma, lower case.
var speechVerbs = buildSpeechVerbs()

// inflect returns the regular third-person, past and -ing forms of lemma.
func inflect(lemma string) []string {
	n := len(lemma)
	last := lemma[n-1]
	var s, ed, ing string
	switch {
	case strings.HasSuffix(lemma, "s") || strings.HasSuffix(lemma, "sh") || strings.HasSuffix(lemma, "ch") || strings.HasSuffix(lemma, "x") || strings.HasSuffix(lemma, "z"):
		s = lemma + "es"
	default:
		s = lemma + "s"
	}
	switch {
	case last == 'e':
		ed, ing = lemma+"d", lemma[:n-1]+"ing"
	default:
		ed, ing = lemma+"ed", lemma+"ing"
	}
	return []string{s, ed, ing}
}

func buildSpeechVerbs() map[string]bool {
	m := make(map[string]bool, 4*len(speechLemmas))
	for _, l := range speechLemmas {
		m[l] = true
		if forms, ok := irregularForms[l]; ok {
			for _, f := range forms {
				m[f] = true
			}
			continue
		}
		for _, f := range inflect(l) {
			m[f] = true
		}
	}
	return m
}

// pronouns that can stand for a speaker, with the entity types they fit.
var pronouns = map[string]string{
	"he": "PER", "she": "PER", "they": "", "i": "PER", "we": "", "it": "ORG",
}

// skipBeforeCue are words between a subject and its speech verb
// ("Lavrov also added", "he has said", "she was quoted as saying").
var skipBeforeCue = map[string]bool{
	"also": true, "later": true, "then": true, "recently": true, "has": true,
	"have": true, "had": true, "was": true, "were": true, "is": true, "are": true,
	"would": true, "will": true, "could": true, "did": true, "does": true,
	"do": true, "once": true, "previously": true, "again": true, "quoted": true,
	"as": true, "reportedly": true, "been": true, "further": true,
	"repeatedly": true, "often": true, "frequently": true, "publicly": true,
	"privately": true, "simply": true, "just": true, "flatly": true,
	"not": true, "n't": true, "never": true, "even": true, "famously": true,
	"bluntly": true, "angrily": true, "quickly": true, "only": true,
	"may": true, "might": true, "should": true, "can": true, "to": true,
	"going": true, "allegedly": true, "on": true, "monday": true,
	"tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true, "yesterday": true, "today": true,
	"tonight": true, "forcefully": true, "back": true,
}

// determiners open a common-noun speaker phrase ("the spokesman").
var determiners = map[string]bool{
	"the": true, "a": true, "an": true, "another": true, "his": true,
	"her": true, "their": true, "its": true, "one": true, "two": true,
	"three": true, "some": true, "several": true, "many": true, "other": true,
	"this": true, "these": true, "those": true, "our": true,
	"my": true, "your": true, "both": true,
}

// stopBack are words that end a backward walk for a speaker phrase.
var stopBack = map[string]bool{
	"that": true, "which": true, "who": true, "and": true, "but": true,
	"or": true, "in": true, "on": true, "at": true, "to": true,
	"with": true, "by": true, "from": true, "when": true,
	"while": true, "after": true, "before": true, "because": true,
	"if": true, "as": true, "where": true, "so": true, "than": true,
}

// nameParticles are lower-case words inside names ("Staffan de Mistura").
var nameParticles = map[string]bool{
	"de": true, "da": true, "di": true, "del": true, "van": true, "von": true,
	"der": true, "den": true, "al": true, "bin": true, "la": true, "le": true,
	"du": true, "dos": true, "das": true, "ter": true, "el": true,
}

// titleCues are words right before a quote that make it a name or title,
// not speech ("the film “Selma”", "so-called “experts”").
var titleCues = map[string]bool{
	"film": true, "book": true, "show": true, "movie": true, "song": true,
	"album": true, "called": true, "dubbed": true, "so-called": true,
	"titled": true, "entitled": true, "named": true, "nicknamed": true,
	"headlined": true, "slogan": true, "term": true, "word": true,
	"words": true, "phrase": true, "series": true, "program": true,
	"programme": true, "play": true, "novel": true, "article": true,
	"column": true, "op-ed": true, "documentary": true, "episode": true,
	"hashtag": true, "motto": true, "label": true, "labeled": true,
	"labelled": true, "branded": true, "known": true, "tagline": true,
	"catchphrase": true, "sketch": true, "segment": true, "essay": true,
	"poem": true, "report": true, "headline": true, "banner": true,
	"sign": true, "signs": true, "nickname": true, "code-named": true,
	"codenamed": true, "campaign": true, "operation": true, "magazine": true,
	"newspaper": true, "podcast": true, "blog": true,
}
