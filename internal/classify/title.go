package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Seniority returns the seniority a job title expresses: "c_level", "vp", "director",
// "manager", "individual" or "student", or "" when the title is empty or has no word the
// tables know.
//
// # Reading a title
//
// The title is read as words (runs of letters and digits), lower-cased, with the common
// Latin accents folded ("Président" reads "president", "Geschäftsführer" "geschaftsfuhrer",
// "ß" "ss"): "Co-Founder" is the words "co" and "founder", "V.P." is "v" and "p". Words and
// phrases of consecutive words are looked up in a table, so matching is by whole words and
// never by substring: "Doctor" holds no "CTO" and "Directory" is not "director". A phrase
// does not run across punctuation that separates parts of a title (',', ';', ':', '/', '|',
// '(', ')', a '-', '&' or '+' with a space next to it, a line break) nor across the words
// "and", "und", "et", "y". When a title holds several seniority words the highest wins
// ("CEO & Founder" and "Founder, CTO" are c_level, "Associate Director" is director), except
// that an intern-type word wins over every other ("Marketing Intern", "Software Engineer
// Intern" and, admittedly, "Intern Program Manager" are student).
//
//	level       words and phrases (case-insensitive; examples, not the whole table)
//	c_level     CEO CFO CTO COO CMO CIO CISO CRO CPO CDO CHRO CLO CSO CCO CAO CxO; Chief …
//	            Officer; Chief Executive; President, Presidente; Founder, Co-Founder;
//	            Owner*, Proprietor*; Chairman, Chairwoman, Chairperson; Managing Director;
//	            Executive Director; Managing, General or Founding Partner; Director General,
//	            Directeur Général, Directora General, General Director, Gerente General,
//	            Consejero Delegado, Amministratore Delegato, PDG; Geschäftsführer, Inhaber,
//	            Gründer, Vorstand; Fondateur, Fundador, Oprichter; Entrepreneur; Rector,
//	            Rektor, Chancellor, Vice-Chancellor
//	vp          VP, V.P., SVP, EVP, AVP, Vice President, Vicepresidente, Vice-Président,
//	            Vizepräsident; Provost, Vice Rector, Pro or Deputy Vice-Chancellor; General
//	            Counsel
//	director    Director, Directeur, Directrice, Directora, Diretor, Direttore, Direktor,
//	            Dir.; Head (Head of …); Chief without Officer (Chief of Staff, Chief
//	            Engineer); Partner*, Socio*; Principal*; Dean; Headteacher; General Manager,
//	            Country Manager; Leiter and the German compounds in -leiter
//	            (Abteilungsleiter, Vertriebsleiter) except those below
//	manager     Manager, Mgr, Lead, Leader, Supervisor, Foreman, Controller, Comptroller;
//	            Gerente, Responsable, Jefe, Encargado; Product, Process or Service Owner,
//	            Business Partner, Technical Account Manager; PM, PMM, CSM; Teamleiter,
//	            Gruppenleiter, Projektleiter, Schichtleiter; German compounds in -manager
//	individual  Engineer, Developer, Programmer, Architect, Analyst, Specialist, Associate,
//	            Coordinator, Consultant, Designer, Representative, Rep, Assistant,
//	            Administrator, Advisor, Agent, Technician, Scientist, Researcher, Postdoc,
//	            Accountant, Auditor, Recruiter, Attorney, Lawyer, Counsel, Teacher,
//	            Professor, Lecturer, Buyer, Writer, Executive and Officer (alone: "Sales
//	            Executive", "Compliance Officer"), AE, SDR, BDR, … and their common German,
//	            French, Spanish, Portuguese and Italian forms
//	student     Student*, Undergraduate*, Postgraduate*, Doktorand*, Doctorant*; PhD,
//	            Doctoral or MBA Candidate; Graduate (Research or Teaching) Assistant; and,
//	            winning over every other word: Intern, Internship, Trainee, Apprentice,
//	            Working Student, Werkstudent, Praktikant, Azubi, Auszubildende(r),
//	            Stagiaire, Alternant, Becario, Estagiário, Tirocinante
//
// Words marked * count only as the head noun of their part of the title, that is when they
// end it (the title ends, separating punctuation follows, or one of the words "and", "of",
// "at", "to", "for", "de" … follows). So "Partner" and "Partner at McKinsey" are director
// but "Partner Manager" is manager; "PhD Student" and "Student at MIT" are student but
// "Student Success Manager" is manager (there "student" names the department).
//
// Further decisions:
//
//   - "Managing Director" is c_level: in the UK and much of Europe it is the title of the
//     chief executive. "Executive Director" is c_level too (a non-profit's chief executive,
//     or a board director).
//   - Founders and owners are c_level; "Partner" alone is director (a partner of a firm is
//     a senior leader but not its chief); managing, general and founding partners are
//     c_level. "Business Partner" (HR Business Partner) is manager.
//   - "President" alone is c_level; "Vice President" in any spelling is vp.
//   - "Chief" is c_level when "Officer" follows in the same part of the title, director
//     otherwise.
//   - "General Manager" is director; "Gerente General" is c_level (in Spanish it names the
//     chief executive).
//   - Words after "of", "for", "de", "del", "des", "du", "da", "do", "di" or "für", up to the
//     next separator, name the area of the role and are not seniority words: "Director of
//     VP Relations" is director, "Head of Intern Programs" director.
//   - Words after "to" ("Assistant to the CEO") or after "ex", "former", "formerly",
//     "previously" or "aspiring" ("Ex-Intern", "Former CEO") are skipped up to the next
//     separator.
//   - Everything after a standalone "at", "bei" or "chez", or after an '@', names the
//     employer and is ignored ("Founder at Growth Labs" is not in marketing).
//   - Only the first 64 words and about 500 bytes of a title are read.
func Seniority(title string) string {
	lv, _ := readTitle(title)
	return levelNames[lv]
}

// Department returns the department a job title belongs to: "executive", "engineering",
// "it", "marketing", "sales", "finance", "operations", "hr", "legal", "product", "support",
// "procurement", "research" or "education", or "" when no word tells.
//
// Titles are read as Seniority reads them (whole words, case- and accent-insensitive, the
// employer after "at" ignored, words after "to" and "former" skipped), but department words
// count wherever they stand, also after "of" ("Director of Engineering") and in words
// marked * above ("Student Success Manager" is education).
//
// Precedence: the leftmost department word wins ("Sales & Marketing Director" is sales,
// "Marketing Operations Manager" marketing, "Sales Engineer" sales). "executive" is given
// only when no department word is present and the title names a chief executive, founder,
// owner, president, chairman, managing director or a Chief … Officer without a function:
// function words go before the C-level ones, so "CTO" and "CTO & Co-Founder" are
// engineering while "CEO" and "CEO & Founder" are executive.
//
//	department   words and phrases (case-insensitive; examples, not the whole table)
//	executive    CEO, Chief Executive, Founder, Owner*, President, Chairman, Managing
//	             Director, Executive Director, Managing or General Partner, Director General,
//	             Geschäftsführer, PDG, CxO, CCO, CSO, CDO, CAO, Chief … Officer
//	engineering  CTO, Engineering, Engineer, Software, Developer, Programmer, DevOps, SRE,
//	             Architect, Frontend, Backend, Full Stack, QA, Technology, Tech, Technical,
//	             Firmware, Hardware, Machine Learning, Ingenieur, Entwickler, Desarrollador
//	it           CIO, CISO, IT, Information Technology, Information, Infrastructure,
//	             Security, Cybersecurity, Network, Systems Administrator, Sysadmin, DBA,
//	             Helpdesk, Service Desk, Informatique, Informatik
//	marketing    CMO, Marketing, Growth, Demand Gen, Lead Generation, Brand, Content, SEO,
//	             SEM, PPC, Social Media, Communications, PR, Public Relations, Product
//	             Marketing, PMM, Advertising, Events, Copywriter, Media Buyer
//	sales        CRO, Sales, Account Executive, Account, Business Development, BDR, SDR, AE,
//	             Revenue, RevOps, Commercial, Channel, Partnerships, Ventas, Vendas, Vertrieb
//	finance      CFO, Finance, Financial, Accounting, Accountant, Controller, Treasury,
//	             Accounts Payable/Receivable, Audit, Tax, Payroll, Billing, Investor
//	             Relations, M&A, FP&A, Buchhaltung
//	operations   COO, Operations, Ops, Operating, Supply Chain, Logistics, Warehouse,
//	             Fulfillment, Facilities, Manufacturing
//	hr           CHRO, HR, Human Resources, People, Talent, Recruit, Recruiter, Recruiting,
//	             Recruitment, Personnel, HRIS, RH, Recursos Humanos, Ressources Humaines
//	legal        CLO, Legal, Counsel, General Counsel, Attorney, Lawyer, Solicitor,
//	             Paralegal, Compliance, Privacy, Regulatory
//	product      CPO, Product, Product Management, Product Owner, UX, UI
//	support      Support, Customer Success, Customer Service, Customer Experience, CX,
//	             Service, Services, Success, CSM, Technical Account Manager
//	procurement  Procurement, Purchasing, Buyer, Purchaser, Sourcing, Vendor Management,
//	             Einkauf, Achats, Compras
//	research     Research, Researcher, Scientist, Science, R&D, Postdoc, Forschung
//	education    Teacher, Professor, Lecturer, Instructor, Tutor, Educator, Student,
//	             Students, Faculty, Dean, Provost, Rector, Chancellor, School, Education,
//	             Academic, Teaching
//
// CPO is read as Chief Product Officer (not People Officer), CRO as Chief Revenue Officer
// and a Chief Data Officer is executive. German compounds in -leiter, -manager and similar
// take the department of their first part where it is one of Vertrieb, Marketing, Personal,
// Finanz, Einkauf, Logistik, Produkt, Software, Forschung or Entwicklung
// ("Vertriebsleiter" is sales).
func Department(title string) string {
	_, d := readTitle(title)
	return deptNames[d]
}

// level is a seniority; a higher level wins.
type level uint8

const (
	levelNone level = iota
	levelIndividual
	levelStudent
	levelManager
	levelDirector
	levelVP
	levelCLevel
)

var levelNames = [...]string{"", "individual", "student", "manager", "director", "vp", "c_level"}

// dept is a department.
type dept uint8

const (
	deptNone dept = iota
	deptExecutive
	deptEngineering
	deptIT
	deptMarketing
	deptSales
	deptFinance
	deptOperations
	deptHR
	deptLegal
	deptProduct
	deptSupport
	deptProcurement
	deptResearch
	deptEducation
)

var deptNames = [...]string{
	"", "executive", "engineering", "it", "marketing", "sales", "finance", "operations", "hr",
	"legal", "product", "support", "procurement", "research", "education",
}

// flag qualifies a word's meaning.
type flag uint8

const (
	// flagHead: the level (and flagExec) count only when the word is the head noun, i.e. ends
	// its part of the title.
	flagHead flag = 1 << iota
	// flagIntern: a student word that wins over every other level.
	flagIntern
	// flagExec: the title names a chief executive; Department falls back to "executive".
	flagExec
	// flagChief: "chief": c_level (and flagExec) with "officer" later in the same part of the
	// title, director otherwise.
	flagChief
)

// meaning is what a word or phrase says about a title.
type meaning struct {
	level level
	dept  dept
	flags flag
}

// readTitle reads a title and returns its seniority and department.
func readTitle(title string) (level, dept) {
	var t titleScan
	t.scan(title)
	best, d := levelNone, deptNone
	intern, exec := false, false
	for i := 0; i < t.n; {
		m, n := t.match(i)
		if n == 0 {
			i++
			continue
		}
		last := i + n - 1
		if d == deptNone {
			d = m.dept
		}
		if !t.toks[i].area && (m.flags&flagHead == 0 || t.endsAt(last)) {
			lv := m.level
			if m.flags&flagChief != 0 {
				if t.officerAfter(last) {
					lv, exec = levelCLevel, true
				} else {
					lv = levelDirector
				}
			}
			best = max(best, lv)
			intern = intern || m.flags&flagIntern != 0
			exec = exec || m.flags&flagExec != 0
		}
		i += n
	}
	if intern {
		best = levelStudent
	}
	if d == deptNone && exec {
		d = deptExecutive
	}
	return best, d
}

const (
	titleBufLen    = 512
	maxTitleTokens = 64
)

// titleScan holds the words of a title, folded into buf; it lives on the stack.
type titleScan struct {
	buf  [titleBufLen]byte
	toks [maxTitleTokens]token
	n    int
}

// token is one word of a title.
type token struct {
	lo, hi uint16 // the folded word is buf[lo:hi]
	end    bool   // a separator follows: the word ends its part of the title
	area   bool   // the word follows "of", "for", "de" … in its part: an area, not a role
}

// wordKind is the role of a function word in a title.
type wordKind uint8

const (
	kindEmployer wordKind = iota + 1 // "at": the rest names the employer
	kindSkip                         // "to", "former": skip to the next separator
	kindArea                         // "of": an area follows
	kindAnd                          // "and": a separator
)

var functionWords = map[string]wordKind{
	"at": kindEmployer, "bei": kindEmployer, "chez": kindEmployer,
	"to": kindSkip, "ex": kindSkip, "former": kindSkip, "formerly": kindSkip,
	"previously": kindSkip, "aspiring": kindSkip,
	"of": kindArea, "for": kindArea, "de": kindArea, "del": kindArea, "des": kindArea,
	"du": kindArea, "da": kindArea, "do": kindArea, "di": kindArea, "fur": kindArea,
	"and": kindAnd, "und": kindAnd, "et": kindAnd, "y": kindAnd,
}

// scan splits s into folded words, marking the ends of the title's parts and the area
// words, and dropping function words and skipped words.
func (t *titleScan) scan(s string) {
	pos := 0
	skip, area := false, false
	for i := 0; i < len(s); {
		// A run of separators.
		space, hard, soft, employer := false, false, false, false
		for i < len(s) {
			r, w := decodeRune(s, i)
			if isWordRune(r) {
				break
			}
			switch {
			case r == '\n' || r == '\r':
				hard = true
			case unicode.IsSpace(r):
				space = true
			case r == '@':
				employer = true
			case r == '&' || r == '-' || r == '+':
				soft = true
			case strings.ContainsRune(",;:|/\\()[]{}!?•·–—", r):
				hard = true
			}
			i += w
		}
		if hard || employer || (soft && space) {
			t.endPart()
			skip, area = false, false
		}
		if employer || i == len(s) {
			return
		}

		// A word.
		start := pos
		for i < len(s) {
			r, w := decodeRune(s, i)
			if !isWordRune(r) {
				break
			}
			var ok bool
			if pos, ok = t.fold(pos, r); !ok {
				return // the buffer is full: ignore the rest
			}
			i += w
		}
		word := t.buf[start:pos]
		before := space || t.n == 0
		after := i == len(s)
		if !after {
			r, _ := decodeRune(s, i)
			after = unicode.IsSpace(r)
		}
		if kind, ok := functionWords[string(word)]; ok && before {
			switch {
			case kind == kindEmployer && after:
				t.endPart()
				return
			case kind == kindSkip && (after || s[i] == '-'):
				t.endPart()
				pos, skip = start, true
				continue
			case kind == kindArea && after:
				t.endPart()
				pos, area = start, true
				continue
			case kind == kindAnd && after:
				t.endPart()
				pos, area = start, false
				continue
			}
		}
		if skip {
			pos = start
			continue
		}
		t.toks[t.n] = token{lo: uint16(start), hi: uint16(pos), area: area}
		if t.n++; t.n == maxTitleTokens {
			return // the token table is full: ignore the rest
		}
	}
}

// endPart marks the last word as ending its part of the title.
func (t *titleScan) endPart() {
	if t.n > 0 {
		t.toks[t.n-1].end = true
	}
}

// endsAt reports whether word i is the head noun of its part.
func (t *titleScan) endsAt(i int) bool { return t.toks[i].end || i == t.n-1 }

// word returns word i, folded.
func (t *titleScan) word(i int) []byte { return t.buf[t.toks[i].lo:t.toks[i].hi] }

// officerAfter reports whether "officer" follows word i in its part of the title.
func (t *titleScan) officerAfter(i int) bool {
	for ; !t.toks[i].end && i+1 < t.n; i++ {
		if string(t.word(i+1)) == "officer" {
			return true
		}
	}
	return false
}

// match looks up the longest phrase or word starting at word i and returns its meaning and
// how many words it spans, 0 if none.
func (t *titleScan) match(i int) (meaning, int) {
	w := t.word(i)
	for _, p := range titlePhrases[string(w)] {
		if t.phraseAt(i, p.rest) {
			return p.meaning, 1 + len(p.rest)
		}
	}
	if m, ok := titleWords[string(w)]; ok {
		return m, 1
	}
	if m, ok := compoundMeaning(w); ok {
		return m, 1
	}
	return meaning{}, 0
}

// phraseAt reports whether the words after word i, in the same part of the title, are rest.
func (t *titleScan) phraseAt(i int, rest []string) bool {
	if i+len(rest) >= t.n {
		return false
	}
	for k, r := range rest {
		if t.toks[i+k].end || string(t.word(i+k+1)) != r {
			return false
		}
	}
	return true
}

// fold appends the folded form of r to buf at pos: lower-cased, the common Latin accents
// and ligatures replaced by their base letters, combining marks dropped. It reports false
// when the buffer is full.
func (t *titleScan) fold(pos int, r rune) (int, bool) {
	if pos+utf8.UTFMax > len(t.buf) {
		return pos, false
	}
	if r < utf8.RuneSelf {
		c := byte(r)
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		t.buf[pos] = c
		return pos + 1, true
	}
	r = unicode.ToLower(r)
	var base string
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā', 'ă', 'ą':
		base = "a"
	case 'æ':
		base = "ae"
	case 'ç', 'ć', 'č':
		base = "c"
	case 'ď', 'đ':
		base = "d"
	case 'è', 'é', 'ê', 'ë', 'ē', 'ė', 'ę', 'ě':
		base = "e"
	case 'ì', 'í', 'î', 'ï', 'ī', 'į', 'ı':
		base = "i"
	case 'ł', 'ľ', 'ĺ':
		base = "l"
	case 'ñ', 'ń', 'ň':
		base = "n"
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō', 'ő':
		base = "o"
	case 'œ':
		base = "oe"
	case 'ř', 'ŕ':
		base = "r"
	case 'ś', 'š', 'ş', 'ș':
		base = "s"
	case 'ß':
		base = "ss"
	case 'ť', 'ţ', 'ț':
		base = "t"
	case 'ù', 'ú', 'û', 'ü', 'ū', 'ů', 'ű', 'ų':
		base = "u"
	case 'ý', 'ÿ':
		base = "y"
	case 'ź', 'ż', 'ž':
		base = "z"
	default:
		if unicode.Is(unicode.Mn, r) {
			return pos, true
		}
		return pos + utf8.EncodeRune(t.buf[pos:], r), true
	}
	return pos + copy(t.buf[pos:], base), true
}

// decodeRune decodes the rune at s[i]; an invalid byte is utf8.RuneError of width 1.
func decodeRune(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// isWordRune reports whether r belongs to a word: a letter, a digit or a combining mark.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
}

// compoundMeaning reads German compound titles ("Vertriebsleiter", "Produktmanager",
// "Softwareentwickler") that are not in the table: the ending gives the level, the first
// part the department.
func compoundMeaning(w []byte) (meaning, bool) {
	for _, c := range compoundEndings {
		n := len(w) - len(c.ending)
		if n < 3 || string(w[n:]) != c.ending {
			continue
		}
		m := c.meaning
		for _, p := range compoundStarts {
			if len(p.start) <= n && string(w[:len(p.start)]) == p.start {
				if p.level != levelNone && m.level == levelDirector {
					m.level = p.level
				}
				if p.dept != deptNone {
					m.dept = p.dept
				}
				break
			}
		}
		return m, true
	}
	return meaning{}, false
}

var compoundEndings = []struct {
	ending string
	meaning
}{
	{"leiterin", meaning{level: levelDirector}},
	{"leiter", meaning{level: levelDirector}},
	{"direktorin", meaning{level: levelDirector}},
	{"direktor", meaning{level: levelDirector}},
	{"managerin", meaning{level: levelManager}},
	{"manager", meaning{level: levelManager}},
	{"entwicklerin", meaning{level: levelIndividual, dept: deptEngineering}},
	{"entwickler", meaning{level: levelIndividual, dept: deptEngineering}},
	{"beraterin", meaning{level: levelIndividual}},
	{"berater", meaning{level: levelIndividual}},
	{"referentin", meaning{level: levelIndividual}},
	{"referent", meaning{level: levelIndividual}},
	{"mitarbeiterin", meaning{level: levelIndividual}},
	{"mitarbeiter", meaning{level: levelIndividual}},
	{"praktikantin", meaning{level: levelStudent, flags: flagIntern}},
	{"praktikant", meaning{level: levelStudent, flags: flagIntern}},
}

var compoundStarts = []struct {
	start string
	level level // replaces director (of -leiter) when set
	dept  dept
}{
	{"team", levelManager, deptNone},
	{"gruppen", levelManager, deptNone},
	{"projekt", levelManager, deptNone},
	{"schicht", levelManager, deptNone},
	{"vertrieb", levelNone, deptSales},
	{"marketing", levelNone, deptMarketing},
	{"personal", levelNone, deptHR},
	{"finanz", levelNone, deptFinance},
	{"einkauf", levelNone, deptProcurement},
	{"logistik", levelNone, deptOperations},
	{"produkt", levelNone, deptProduct},
	{"software", levelNone, deptEngineering},
	{"forschung", levelNone, deptResearch},
	{"entwicklung", levelNone, deptEngineering},
}

// titleLexicon is the word table of Seniority and Department: each group gives a meaning
// to a comma-separated list of folded words (lower-case, accents removed) and phrases
// (words separated by single spaces). A word or phrase appears once; a test checks it.
var titleLexicon = []struct {
	meaning
	words string
}{
	// c_level
	{meaning{levelCLevel, deptNone, flagExec}, `ceo, chief executive, founder, cofounder,
		president, presidente, presidenta, chairman, chairwoman, chairperson, pdg, cxo, cco,
		cso, cdo, cao, entrepreneur, managing director, executive director, managing partner,
		general partner, founding partner, director general, directeur general,
		directrice generale, directora general, diretor geral, diretora geral,
		direttore generale, general director, gerente general, consejero delegado,
		amministratore delegato, geschaftsfuhrer, geschaftsfuhrerin, geschaeftsfuehrer,
		geschaeftsfuehrerin, inhaber, inhaberin, grunder, grunderin, gruender, gruenderin,
		mitgrunder, mitgrunderin, mitgruender, mitgruenderin, vorstand,
		vorstandsvorsitzender, vorstandsvorsitzende, fondateur, fondatrice, cofondateur,
		cofondatrice, fundador, fundadora, cofundador, cofundadora, fondatore, cofondatore,
		oprichter, medeoprichter`},
	{meaning{levelCLevel, deptNone, flagExec | flagHead}, `owner, proprietor, eigenaar,
		propietario, propietaria, proprietaire`},
	{meaning{levelCLevel, deptEngineering, 0}, `cto`},
	{meaning{levelCLevel, deptIT, 0}, `cio, ciso`},
	{meaning{levelCLevel, deptFinance, 0}, `cfo`},
	{meaning{levelCLevel, deptMarketing, 0}, `cmo`},
	{meaning{levelCLevel, deptSales, 0}, `cro`},
	{meaning{levelCLevel, deptOperations, 0}, `coo`},
	{meaning{levelCLevel, deptProduct, 0}, `cpo`},
	{meaning{levelCLevel, deptHR, 0}, `chro`},
	{meaning{levelCLevel, deptLegal, 0}, `clo`},
	{meaning{levelCLevel, deptEducation, 0}, `rector, rectora, rektor, rektorin, recteur,
		rectrice, chancellor, vice chancellor`},

	// vp
	{meaning{levelVP, deptNone, 0}, `vp, svp, evp, avp, v p, vice president, vicepresident,
		vice presidente, vicepresidente, vice presidenta, vicepresidenta, vizeprasident,
		vizeprasidentin`},
	{meaning{levelVP, deptEducation, 0}, `provost, vice provost, vice rector,
		pro vice chancellor, deputy vice chancellor, prorektor, prorektorin`},
	{meaning{levelVP, deptLegal, 0}, `general counsel`},

	// director
	{meaning{levelDirector, deptNone, 0}, `director, directora, directeur, directrice,
		diretor, diretora, direttore, direttrice, direktor, direktorin, dir, head, leiter,
		leiterin, general manager, country manager`},
	{meaning{levelDirector, deptNone, flagChief}, `chief`},
	{meaning{levelDirector, deptNone, flagHead}, `partner, principal, socio, socia`},
	{meaning{levelDirector, deptEducation, 0}, `dean, headteacher, headmaster,
		headmistress`},

	// manager
	{meaning{levelManager, deptNone, 0}, `manager, managerin, mgr, lead, leader,
		supervisor, supervisora, foreman, gerente, responsable, responsabile, jefe, jefa,
		encargado, encargada, business partner, process owner, service owner, pm`},
	{meaning{levelManager, deptFinance, 0}, `controller, comptroller`},
	{meaning{levelManager, deptMarketing, 0}, `pmm`},
	{meaning{levelManager, deptProduct, 0}, `product owner`},
	{meaning{levelManager, deptSupport, 0}, `csm, technical account manager`},

	// individual
	{meaning{levelIndividual, deptNone, 0}, `analyst, analista, specialist, associate,
		coordinator, coordinador, coordinadora, coordinateur, coordinatrice, coordinatore,
		consultant, consultor, consultora, berater, beraterin, designer, representative,
		representante, rep, assistant, asistente, assistente, administrator, admin, advisor,
		adviser, agent, technician, tecnico, tecnica, writer, editor, strategist, officer,
		executive, clerk, nurse, physician, doctor, planner, operator, freelancer, freelance,
		contractor, expert, evangelist, advocate, generalist, translator, trainer, coach,
		producer, secretary, receptionist, referent, referentin, sachbearbeiter,
		sachbearbeiterin, mitarbeiter, mitarbeiterin`},
	{meaning{levelIndividual, deptEngineering, 0}, `engineer, developer, programmer,
		architect, tester, sre, ingenieur, ingenieurin, ingeniero, ingeniera, engenheiro,
		engenheira, ingegnere, entwickler, entwicklerin, desarrollador, desarrolladora,
		desenvolvedor, desenvolvedora, sviluppatore, sviluppatrice`},
	{meaning{levelIndividual, deptIT, 0}, `sysadmin, dba, systems administrator,
		system administrator, database administrator`},
	{meaning{levelIndividual, deptResearch, 0}, `scientist, researcher, postdoc, forscher,
		forscherin, chercheur, chercheuse, investigador, investigadora, ricercatore,
		ricercatrice`},
	{meaning{levelIndividual, deptFinance, 0}, `accountant, auditor, bookkeeper`},
	{meaning{levelIndividual, deptHR, 0}, `recruiter, technical recruiter`},
	{meaning{levelIndividual, deptLegal, 0}, `attorney, lawyer, counsel, paralegal,
		solicitor, barrister, abogado, abogada, avocat, avocate, anwalt, anwaltin,
		rechtsanwalt, rechtsanwaltin`},
	{meaning{levelIndividual, deptEducation, 0}, `teacher, professor, profesor, profesora,
		professeur, professora, professore, professoressa, lecturer, instructor, tutor,
		educator, lehrer, lehrerin, docente, enseignant, enseignante, teaching assistant`},
	{meaning{levelIndividual, deptSales, 0}, `ae, sdr, bdr, account executive, vendedor,
		vendedora, salesman, saleswoman, salesperson`},
	{meaning{levelIndividual, deptMarketing, 0}, `copywriter, marketer, media buyer`},
	{meaning{levelIndividual, deptProcurement, 0}, `buyer, purchaser, einkaufer`},

	// student
	{meaning{levelStudent, deptEducation, flagHead}, `student, studentin, estudiante,
		estudante, etudiant, etudiante, studente, studentessa, undergraduate, undergrad,
		postgraduate, postgrad, doktorand, doktorandin, doctorant, doctorante, doctorando,
		doctoranda`},
	{meaning{levelStudent, deptEducation, 0}, `phd candidate, doctoral candidate,
		mba candidate, graduate assistant, graduate research assistant,
		graduate teaching assistant`},
	{meaning{levelStudent, deptNone, flagIntern}, `intern, internship, trainee, apprentice,
		working student, werkstudent, werkstudentin, praktikant, praktikantin, azubi,
		auszubildende, auszubildender, stagiaire, alternant, alternante, becario, becaria,
		estagiario, estagiaria, tirocinante`},

	// departments only
	{meaning{levelNone, deptEngineering, 0}, `engineering, software, devops, frontend,
		backend, fullstack, full stack, front end, back end, technology, tech, technical, qa,
		quality assurance, firmware, hardware, machine learning, ingenieria, ingenierie,
		engenharia, ingegneria`},
	{meaning{levelNone, deptIT, 0}, `it, information technology, information,
		infrastructure, security, cybersecurity, infosec, secops, network, networks,
		helpdesk, help desk, service desk, informatique, informatica, informatik`},
	{meaning{levelNone, deptMarketing, 0}, `marketing, growth, demand gen,
		demand generation, lead gen, lead generation, brand, branding, content, seo, sem,
		ppc, social media, communications, comms, pr, public relations, product marketing,
		account based marketing, advertising, events, mercadeo, mercadotecnia`},
	{meaning{levelNone, deptSales, 0}, `sales, business development, bizdev, revenue,
		revops, commercial, comercial, commerciale, ventas, vendas, vertrieb, channel,
		partnerships, account`},
	{meaning{levelNone, deptFinance, 0}, `finance, financial, finances, finanzas, finanzen,
		financas, accounting, treasury, treasurer, accounts payable, accounts receivable,
		audit, tax, payroll, billing, investor relations, m a, fp a, buchhaltung,
		contabilidad, comptabilite`},
	{meaning{levelNone, deptOperations, 0}, `operations, ops, operating, operational,
		logistics, logistik, supply chain, warehouse, fulfillment, fulfilment, facilities,
		bizops, manufacturing, operaciones, operacoes`},
	{meaning{levelNone, deptHR, 0}, `hr, human resources, people, talent, recruit,
		recruiting, recruitment, talent acquisition, personnel, hris, rh, recursos humanos,
		ressources humaines, risorse umane`},
	{meaning{levelNone, deptLegal, 0}, `legal, compliance, privacy, regulatory, juridique,
		juridico`},
	{meaning{levelNone, deptProduct, 0}, `product, products, product management, ux, ui`},
	{meaning{levelNone, deptSupport, 0}, `support, customer success, customer service,
		customer care, customer experience, cx, service, services, success,
		technical support, client services`},
	{meaning{levelNone, deptProcurement, 0}, `procurement, purchasing, sourcing,
		vendor management, einkauf, achats, compras`},
	{meaning{levelNone, deptResearch, 0}, `research, science, sciences, r d, postdoctoral,
		forschung, investigacion`},
	{meaning{levelNone, deptEducation, 0}, `education, faculty, school, teaching, academic,
		students`},
}

// phrase is an entry of titlePhrases: the words after the first, and the meaning.
type phrase struct {
	rest []string
	meaning
}

// titleWords maps single words, and titlePhrases the first word of each phrase to its
// phrases, longest first; both are built from titleLexicon at initialisation and only read
// afterwards.
var titleWords, titlePhrases = buildTitleTables()

func buildTitleTables() (map[string]meaning, map[string][]phrase) {
	words := make(map[string]meaning)
	phrases := make(map[string][]phrase)
	for _, g := range titleLexicon {
		for _, entry := range strings.Split(g.words, ",") {
			f := strings.Fields(entry)
			switch len(f) {
			case 0:
			case 1:
				words[f[0]] = g.meaning
			default:
				ps := append(phrases[f[0]], phrase{rest: f[1:], meaning: g.meaning})
				for i := len(ps) - 1; i > 0 && len(ps[i].rest) > len(ps[i-1].rest); i-- {
					ps[i], ps[i-1] = ps[i-1], ps[i]
				}
				phrases[f[0]] = ps
			}
		}
	}
	return words, phrases
}
