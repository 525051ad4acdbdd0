package classify

import (
	"slices"
	"strings"
	"testing"
)

var titleTests = []struct {
	name      string
	title     string
	seniority string
	dept      string
}{
	// c_level
	{name: "ceo", title: "CEO", seniority: "c_level", dept: "executive"},
	{name: "ceo title case", title: "Ceo", seniority: "c_level", dept: "executive"},
	{name: "chief executive officer", title: "Chief Executive Officer", seniority: "c_level", dept: "executive"},
	{name: "chief executive", title: "Chief Executive", seniority: "c_level", dept: "executive"},
	{name: "ceo and founder", title: "CEO & Founder", seniority: "c_level", dept: "executive"},
	{name: "founder", title: "Founder", seniority: "c_level", dept: "executive"},
	{name: "co-founder and cto", title: "Co-Founder & CTO", seniority: "c_level", dept: "engineering"},
	{name: "cto", title: "CTO", seniority: "c_level", dept: "engineering"},
	{name: "chief technology officer", title: "Chief Technology Officer", seniority: "c_level", dept: "engineering"},
	{name: "cio", title: "CIO", seniority: "c_level", dept: "it"},
	{name: "ciso", title: "CISO", seniority: "c_level", dept: "it"},
	{name: "chief information security officer", title: "Chief Information Security Officer", seniority: "c_level", dept: "it"},
	{name: "cfo", title: "CFO", seniority: "c_level", dept: "finance"},
	{name: "cmo", title: "cmo", seniority: "c_level", dept: "marketing"},
	{name: "cro", title: "CRO", seniority: "c_level", dept: "sales"},
	{name: "chief revenue officer", title: "Chief Revenue Officer", seniority: "c_level", dept: "sales"},
	{name: "coo", title: "COO", seniority: "c_level", dept: "operations"},
	{name: "cpo", title: "CPO", seniority: "c_level", dept: "product"},
	{name: "chro", title: "CHRO", seniority: "c_level", dept: "hr"},
	{name: "cdo", title: "CDO", seniority: "c_level", dept: "executive"},
	{name: "chief data officer", title: "Chief Data Officer", seniority: "c_level", dept: "executive"},
	{name: "chief people officer", title: "Chief People Officer", seniority: "c_level", dept: "hr"},
	{name: "president", title: "President", seniority: "c_level", dept: "executive"},
	{name: "president and ceo", title: "President and CEO", seniority: "c_level", dept: "executive"},
	{name: "owner", title: "Owner", seniority: "c_level", dept: "executive"},
	{name: "owner operator", title: "Owner/Operator", seniority: "c_level", dept: "executive"},
	{name: "co-owner", title: "Co-Owner", seniority: "c_level", dept: "executive"},
	{name: "managing director", title: "Managing Director", seniority: "c_level", dept: "executive"},
	{name: "managing director emea", title: "Managing Director, EMEA", seniority: "c_level", dept: "executive"},
	{name: "executive director", title: "Executive Director", seniority: "c_level", dept: "executive"},
	{name: "managing partner", title: "Managing Partner", seniority: "c_level", dept: "executive"},
	{name: "general partner", title: "General Partner", seniority: "c_level", dept: "executive"},
	{name: "chairman", title: "Chairman of the Board", seniority: "c_level", dept: "executive"},
	{name: "geschäftsführer", title: "Geschäftsführer", seniority: "c_level", dept: "executive"},
	{name: "geschäftsführer upper", title: "GESCHÄFTSFÜHRER", seniority: "c_level", dept: "executive"},
	{name: "geschaeftsfuehrer", title: "Geschaeftsfuehrer", seniority: "c_level", dept: "executive"},
	{name: "directeur général", title: "Directeur Général", seniority: "c_level", dept: "executive"},
	{name: "président-directeur général", title: "Président-Directeur Général", seniority: "c_level", dept: "executive"},
	{name: "directora general", title: "Directora General", seniority: "c_level", dept: "executive"},
	{name: "director general", title: "Director General", seniority: "c_level", dept: "executive"},
	{name: "gerente general", title: "Gerente General", seniority: "c_level", dept: "executive"},
	{name: "fundador", title: "Fundador y CEO", seniority: "c_level", dept: "executive"},
	{name: "vice chancellor", title: "Vice-Chancellor", seniority: "c_level", dept: "education"},
	{name: "ex-intern now founder", title: "Ex-Google Intern, Founder", seniority: "c_level", dept: "executive"},

	// vp
	{name: "vp of sales", title: "VP of Sales", seniority: "vp", dept: "sales"},
	{name: "vp marketing", title: "VP Marketing", seniority: "vp", dept: "marketing"},
	{name: "v.p.", title: "V.P., Engineering", seniority: "vp", dept: "engineering"},
	{name: "vice president", title: "Vice President", seniority: "vp", dept: ""},
	{name: "vice-president", title: "Vice-President, Finance", seniority: "vp", dept: "finance"},
	{name: "senior vice president", title: "Senior Vice President of Operations", seniority: "vp", dept: "operations"},
	{name: "executive vice president", title: "Executive Vice President", seniority: "vp", dept: ""},
	{name: "svp", title: "SVP Product", seniority: "vp", dept: "product"},
	{name: "evp", title: "EVP, Customer Success", seniority: "vp", dept: "support"},
	{name: "avp", title: "AVP - Finance", seniority: "vp", dept: "finance"},
	{name: "vicepresidente", title: "Vicepresidente de Ventas", seniority: "vp", dept: "sales"},
	{name: "vice-président", title: "Vice-Président Marketing", seniority: "vp", dept: "marketing"},
	{name: "vp sales and marketing", title: "VP, Sales and Marketing", seniority: "vp", dept: "sales"},
	{name: "general counsel", title: "General Counsel", seniority: "vp", dept: "legal"},
	{name: "provost", title: "Provost", seniority: "vp", dept: "education"},

	// director
	{name: "director", title: "Director", seniority: "director", dept: ""},
	{name: "sr. director", title: "Sr. Director, Product Management", seniority: "director", dept: "product"},
	{name: "director of engineering", title: "Director of Engineering", seniority: "director", dept: "engineering"},
	{name: "director of vp relations", title: "Director of VP Relations", seniority: "director", dept: ""},
	{name: "head of growth", title: "Head of Growth", seniority: "director", dept: "marketing"},
	{name: "head of people", title: "Head of People", seniority: "director", dept: "hr"},
	{name: "head of intern programs", title: "Head of Intern Programs", seniority: "director", dept: ""},
	{name: "associate director", title: "Associate Director", seniority: "director", dept: ""},
	{name: "partner", title: "Partner", seniority: "director", dept: ""},
	{name: "partner at firm", title: "Partner at McKinsey", seniority: "director", dept: ""},
	{name: "chief of staff", title: "Chief of Staff", seniority: "director", dept: ""},
	{name: "principal", title: "Principal", seniority: "director", dept: ""},
	{name: "general manager", title: "General Manager", seniority: "director", dept: ""},
	{name: "sales and marketing director", title: "Sales & Marketing Director", seniority: "director", dept: "sales"},
	{name: "directeur marketing", title: "Directeur Marketing", seniority: "director", dept: "marketing"},
	{name: "leiter vertrieb", title: "Leiter Vertrieb", seniority: "director", dept: "sales"},
	{name: "vertriebsleiter", title: "Vertriebsleiter", seniority: "director", dept: "sales"},
	{name: "abteilungsleiter", title: "Abteilungsleiter", seniority: "director", dept: ""},
	{name: "dean of students", title: "Dean of Students", seniority: "director", dept: "education"},
	{name: "headteacher", title: "Headteacher", seniority: "director", dept: "education"},

	// manager
	{name: "manager", title: "Manager", seniority: "manager", dept: ""},
	{name: "engineering manager", title: "Engineering Manager", seniority: "manager", dept: "engineering"},
	{name: "it manager", title: "IT Manager", seniority: "manager", dept: "it"},
	{name: "student success manager", title: "Student Success Manager", seniority: "manager", dept: "education"},
	{name: "team lead", title: "Team Lead", seniority: "manager", dept: ""},
	{name: "tech lead", title: "Tech Lead", seniority: "manager", dept: "engineering"},
	{name: "supervisor", title: "Shift Supervisor", seniority: "manager", dept: ""},
	{name: "partner manager", title: "Partner Manager", seniority: "manager", dept: ""},
	{name: "partner marketing manager", title: "Partner Marketing Manager", seniority: "manager", dept: "marketing"},
	{name: "hr business partner", title: "HR Business Partner", seniority: "manager", dept: "hr"},
	{name: "product owner", title: "Product Owner", seniority: "manager", dept: "product"},
	{name: "customer success manager", title: "Customer Success Manager", seniority: "manager", dept: "support"},
	{name: "marketing operations manager", title: "Marketing Operations Manager", seniority: "manager", dept: "marketing"},
	{name: "supply chain manager", title: "Supply Chain Manager", seniority: "manager", dept: "operations"},
	{name: "procurement manager", title: "Procurement Manager", seniority: "manager", dept: "procurement"},
	{name: "r&d manager", title: "R&D Manager", seniority: "manager", dept: "research"},
	{name: "controller", title: "Financial Controller", seniority: "manager", dept: "finance"},
	{name: "at&t account manager", title: "AT&T Account Manager", seniority: "manager", dept: "sales"},
	{name: "gerente de ventas", title: "Gerente de Ventas", seniority: "manager", dept: "sales"},
	{name: "responsable marketing", title: "Responsable Marketing", seniority: "manager", dept: "marketing"},
	{name: "teamleiter", title: "Teamleiter", seniority: "manager", dept: ""},
	{name: "produktmanager", title: "Produktmanager", seniority: "manager", dept: "product"},

	// individual
	{name: "software engineer", title: "Software Engineer", seniority: "individual", dept: "engineering"},
	{name: "sales engineer", title: "Sales Engineer", seniority: "individual", dept: "sales"},
	{name: "data analyst", title: "Data Analyst", seniority: "individual", dept: ""},
	{name: "account executive", title: "Account Executive", seniority: "individual", dept: "sales"},
	{name: "sdr", title: "SDR", seniority: "individual", dept: "sales"},
	{name: "lead generation specialist", title: "Lead Generation Specialist", seniority: "individual", dept: "marketing"},
	{name: "systems administrator", title: "Systems Administrator", seniority: "individual", dept: "it"},
	{name: "assistant to the ceo", title: "Executive Assistant to the CEO", seniority: "individual", dept: ""},
	{name: "assistant to the president", title: "Assistant to the President", seniority: "individual", dept: ""},
	{name: "legal counsel", title: "Legal Counsel", seniority: "individual", dept: "legal"},
	{name: "technical recruiter", title: "Technical Recruiter", seniority: "individual", dept: "hr"},
	{name: "talent recruiter", title: "Recruiter", seniority: "individual", dept: "hr"},
	{name: "research scientist", title: "Research Scientist", seniority: "individual", dept: "research"},
	{name: "professor", title: "Professor of Computer Science", seniority: "individual", dept: "education"},
	{name: "teacher", title: "Teacher", seniority: "individual", dept: "education"},
	{name: "doctor", title: "Doctor", seniority: "individual", dept: ""},
	{name: "buyer", title: "Buyer", seniority: "individual", dept: "procurement"},
	{name: "principal engineer", title: "Principal Engineer", seniority: "individual", dept: "engineering"},
	{name: "founding engineer", title: "Founding Engineer", seniority: "individual", dept: "engineering"},
	{name: "ingeniero de software", title: "Ingeniero de Software", seniority: "individual", dept: "engineering"},
	{name: "softwareentwickler", title: "Softwareentwickler", seniority: "individual", dept: "engineering"},

	// student
	{name: "marketing intern", title: "Marketing Intern", seniority: "student", dept: "marketing"},
	{name: "software engineering intern", title: "Software Engineering Intern", seniority: "student", dept: "engineering"},
	{name: "intern first", title: "Intern, Product Design", seniority: "student", dept: "product"},
	{name: "product manager intern", title: "Product Manager Intern", seniority: "student", dept: "product"},
	{name: "student", title: "Student", seniority: "student", dept: "education"},
	{name: "phd student", title: "PhD Student", seniority: "student", dept: "education"},
	{name: "phd candidate", title: "PhD Candidate", seniority: "student", dept: "education"},
	{name: "graduate student at", title: "Graduate Student at MIT", seniority: "student", dept: "education"},
	{name: "student of", title: "Student of Economics", seniority: "student", dept: "education"},
	{name: "undergraduate", title: "Undergraduate", seniority: "student", dept: "education"},
	{name: "trainee", title: "Management Trainee", seniority: "student", dept: ""},
	{name: "apprentice", title: "Apprentice Electrician", seniority: "student", dept: ""},
	{name: "werkstudent", title: "Werkstudent Marketing", seniority: "student", dept: "marketing"},
	{name: "working student", title: "Working Student Sales", seniority: "student", dept: "sales"},
	{name: "praktikantin", title: "Marketingpraktikantin", seniority: "student", dept: "marketing"},
	{name: "stagiaire", title: "Stagiaire RH", seniority: "student", dept: "hr"},

	// no seniority, or nothing at all
	{name: "empty", title: "", seniority: "", dept: ""},
	{name: "space", title: "   ", seniority: "", dept: ""},
	{name: "unknown", title: "Banana", seniority: "", dept: ""},
	{name: "senior alone", title: "Senior", seniority: "", dept: ""},
	{name: "department only", title: "Marketing", seniority: "", dept: "marketing"},
	{name: "former", title: "Former CEO", seniority: "", dept: ""},
	{name: "employer ignored", title: "Founder at Growth Labs", seniority: "c_level", dept: "executive"},
	{name: "employer after at sign", title: "Head of Sales @ Marketing Corp", seniority: "director", dept: "sales"},
	{name: "no substring: doctor", title: "Doctorate", seniority: "", dept: ""},
	{name: "no substring: directory", title: "Directory Services", seniority: "", dept: "support"},
	{name: "no substring: ceo", title: "Ceofficial", seniority: "", dept: ""},
	{name: "no substring: vps", title: "VPN Administrator", seniority: "individual", dept: ""},
	{name: "no substring: internal", title: "Internal Auditor", seniority: "individual", dept: "finance"},
	{name: "punctuation only", title: "&&// --", seniority: "", dept: ""},
}

func TestSeniority(t *testing.T) {
	for _, tt := range titleTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Seniority(tt.title); got != tt.seniority {
				t.Errorf("Seniority(%q) = %q, want %q", tt.title, got, tt.seniority)
			}
		})
	}
}

func TestDepartment(t *testing.T) {
	for _, tt := range titleTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Department(tt.title); got != tt.dept {
				t.Errorf("Department(%q) = %q, want %q", tt.title, got, tt.dept)
			}
		})
	}
}

// TestTitleLexicon checks the word table: every word and phrase is folded, appears once,
// is not a function word the scanner drops, and, read as a title on its own, gives its own
// meaning (so no phrase is shadowed by another).
func TestTitleLexicon(t *testing.T) {
	seen := map[string]bool{}
	for _, g := range titleLexicon {
		for _, entry := range strings.Split(g.words, ",") {
			words := strings.Fields(entry)
			if len(words) == 0 {
				t.Errorf("empty entry in %q", g.words)
				continue
			}
			text := strings.Join(words, " ")
			if seen[text] {
				t.Errorf("%q appears twice", text)
			}
			seen[text] = true
			for _, w := range words {
				if strings.Trim(w, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
					t.Errorf("%q: %q is not a folded word", text, w)
				}
				if _, ok := functionWords[w]; ok {
					t.Errorf("%q: %q is a function word", text, w)
				}
			}
			lv, d := readTitle(text)
			want := g.meaning
			switch {
			case want.flags&flagChief != 0:
				want.level = levelDirector
			case want.flags&flagIntern != 0:
				want.level = levelStudent
			}
			if want.dept == deptNone && want.flags&flagExec != 0 {
				want.dept = deptExecutive
			}
			if lv != want.level || d != want.dept {
				t.Errorf("%q reads as %q/%q, want %q/%q", text, levelNames[lv], deptNames[d],
					levelNames[want.level], deptNames[want.dept])
			}
		}
	}
}

func TestTitleAllocs(t *testing.T) {
	for _, title := range []string{
		"vp of sales", "Senior Vice President, Global Sales & Marketing", "Geschäftsführer",
		"Marketing Intern at Globex", strings.Repeat("Chief Technology Officer ", 100),
	} {
		if got := testing.AllocsPerRun(100, func() { _ = Seniority(title) }); got != 0 {
			t.Errorf("Seniority(%q): %v allocations, want 0", title, got)
		}
		if got := testing.AllocsPerRun(100, func() { _ = Department(title) }); got != 0 {
			t.Errorf("Department(%q): %v allocations, want 0", title, got)
		}
	}
}

var titleSeeds = []string{
	"", " ", "@", "@@", "CEO", "VP of Sales", "V.P.", "Marketing Intern", "Student Success Manager",
	"Geschäftsführer", "Président-Directeur Général", "\xff\xfe", "e\u0301", "ß", "İ",
	"Chief", "of", "to", "at", "Ex-", "R&D", "a - b & c / d",
}

func FuzzSeniority(f *testing.F) {
	for _, s := range titleSeeds {
		f.Add(s)
	}
	allowed := []string{"c_level", "vp", "director", "manager", "individual", "student", ""}
	f.Fuzz(func(t *testing.T, title string) {
		got := Seniority(title)
		if !slices.Contains(allowed, got) {
			t.Fatalf("Seniority(%q) = %q", title, got)
		}
		if again := Seniority(title); again != got {
			t.Fatalf("Seniority(%q) = %q, then %q", title, got, again)
		}
		if up := strings.ToUpper(title); isASCII(title) && Seniority(up) != got {
			t.Fatalf("Seniority(%q) = %q differs from Seniority(%q) = %q", title, got, up, Seniority(up))
		}
		if lo := strings.ToLower(title); isASCII(title) && Seniority(lo) != got {
			t.Fatalf("Seniority(%q) = %q differs from Seniority(%q) = %q", title, got, lo, Seniority(lo))
		}
	})
}

func FuzzDepartment(f *testing.F) {
	for _, s := range titleSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		got := Department(title)
		if !slices.Contains(deptNames[:], got) {
			t.Fatalf("Department(%q) = %q", title, got)
		}
		if again := Department(title); again != got {
			t.Fatalf("Department(%q) = %q, then %q", title, got, again)
		}
		if up := strings.ToUpper(title); isASCII(title) && Department(up) != got {
			t.Fatalf("Department(%q) = %q differs from Department(%q) = %q", title, got, up, Department(up))
		}
		// Only a chief executive word makes a title executive; an intern word can still
		// outrank it ("CEO Intern").
		if s := Seniority(title); got == "executive" && s != "c_level" && s != "student" {
			t.Fatalf("Department(%q) = executive but Seniority = %q", title, s)
		}
	})
}

var benchTitles = []string{"VP of Sales", "Senior Software Engineer", "Geschäftsführer", "Head of Growth & Demand Generation at Globex"}

func BenchmarkSeniority(b *testing.B) {
	for _, title := range benchTitles {
		b.Run(title, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Seniority(title)
			}
		})
	}
}

func BenchmarkDepartment(b *testing.B) {
	for _, title := range benchTitles {
		b.Run(title, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Department(title)
			}
		})
	}
}
