package classify

import (
	"slices"
	"strings"
	"testing"
)

func TestAcademic(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  bool
	}{
		{name: "edu", input: "mit.edu", want: true},
		{name: "edu address", input: "Dana@CS.Stanford.EDU", want: true},
		{name: "edu generic institution", input: "x@polytechnique.edu", want: true},
		{name: "edu.au", input: "x@unimelb.edu.au", want: true},
		{name: "edu.cn", input: "x@tsinghua.edu.cn", want: true},
		{name: "edu.br", input: "x@usp.edu.br", want: true},
		{name: "edu.mx", input: "x@itesm.edu.mx", want: true},
		{name: "edu.tr", input: "x@metu.edu.tr", want: true},
		{name: "edu.pl", input: "x@uw.edu.pl", want: true},
		{name: "edu.sg", input: "x@nus.edu.sg", want: true},
		{name: "edu.co", input: "x@uniandes.edu.co", want: true},
		{name: "ac.uk", input: "x@ox.ac.uk", want: true},
		{name: "ac.uk department", input: "x@cs.ox.ac.uk", want: true},
		{name: "ac.jp", input: "x@u-tokyo.ac.jp", want: true},
		{name: "ac.in", input: "x@iitb.ac.in", want: true},
		{name: "ac.nz", input: "x@auckland.ac.nz", want: true},
		{name: "ac.za", input: "x@uct.ac.za", want: true},
		{name: "ac.kr", input: "x@kaist.ac.kr", want: true},
		{name: "ac.il", input: "x@technion.ac.il", want: true},
		{name: "ac.at", input: "x@univie.ac.at", want: true},
		{name: "k12", input: "x@lausd.k12.ca.us", want: true},
		{name: "k12 school", input: "x@hs.district.k12.ny.us", want: true},
		{name: "uk school", input: "x@stmarys.sch.uk", want: true},
		{name: "japanese school", input: "x@example.ed.jp", want: true},
		{name: "nz school", input: "x@example.school.nz", want: true},
		{name: "uni- de", input: "x@uni-heidelberg.de", want: true},
		{name: "uni- de subdomain", input: "x@stud.uni-heidelberg.de", want: true},
		{name: "tu- de", input: "x@tu-berlin.de", want: true},
		{name: "fh- de", input: "x@fh-aachen.de", want: true},
		{name: "uni- at", input: "x@uni-graz.at", want: true},
		{name: "univ- fr", input: "x@univ-lyon1.fr", want: true},
		{name: "universite- fr", input: "x@universite-paris-saclay.fr", want: true},
		{name: "listed ethz", input: "x@ethz.ch", want: true},
		{name: "listed subdomain", input: "x@student.ethz.ch", want: true},
		{name: "listed epfl", input: "epfl.ch", want: true},
		{name: "listed tum", input: "x@tum.de", want: true},
		{name: "listed kuleuven", input: "x@kuleuven.be", want: true},
		{name: "listed utoronto", input: "x@mail.utoronto.ca", want: true},
		{name: "listed usp", input: "x@usp.br", want: true},
		{name: "listed hku", input: "x@hku.hk", want: true},

		{name: "education.com", input: "x@education.com", want: false},
		{name: "edu-tech.io", input: "x@edu-tech.io", want: false},
		{name: "academy.com", input: "x@academy.com", want: false},
		{name: "mac.com", input: "x@mac.com", want: false},
		{name: "edu.com", input: "x@edu.com", want: false},
		{name: "edu as registrable label", input: "x@shop.edu.com", want: false},
		{name: "bare edu.au", input: "edu.au", want: false},
		{name: "bare ac.uk", input: "ac.uk", want: false},
		{name: "edu under generic cc", input: "x@startup.edu.io", want: false},
		{name: "ac under generic cc", input: "x@startup.ac.tv", want: false},
		{name: "edu look-alike suffix", input: "mit.edu.evil.example", want: false},
		{name: "listed look-alike suffix", input: "ethz.ch.evil.example", want: false},
		{name: "listed look-alike prefix", input: "notethz.ch", want: false},
		{name: "k12 too short", input: "k12.ca.us", want: false},
		{name: "k12 wrong state", input: "x.k12.cal.us", want: false},
		{name: "uni- wrong tld", input: "uni-shop.com", want: false},
		{name: "univ- wrong tld", input: "univ-shop.de", want: false},
		{name: "uni without hyphen", input: "unicredit.it", want: false},
		{name: "student subdomain alone", input: "x@student.globex.example", want: false},
		{name: "free email", input: "x@gmail.com", want: false},
		{name: "empty", input: "", want: false},
		{name: "invalid", input: "mit edu", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Academic(tt.input); got != tt.want {
				t.Errorf("Academic(%q) = %v, want %v", tt.input, got, tt.want)
			}
		})
	}
}

func TestAcademicDomains(t *testing.T) {
	if !slices.IsSorted(academicDomains) {
		t.Error("academicDomains is not sorted")
	}
	if len(academicSet) != len(academicDomains) {
		t.Error("academicDomains has duplicates")
	}
	for _, d := range academicDomains {
		if Domain(d) != d {
			t.Errorf("academic domain %q is not a normalised domain", d)
		}
		if !Academic(d) || !Academic("x@dept."+d) {
			t.Errorf("Academic(%q) or a subdomain = false for a listed domain", d)
		}
		if FreeEmail(d) {
			t.Errorf("academic domain %q is also a free-mail domain", d)
		}
	}
	for _, d := range FreeEmailProviders() {
		if Academic(d) {
			t.Errorf("free-mail domain %q is also academic", d)
		}
	}
}

func TestAcademicAllocs(t *testing.T) {
	for _, input := range []string{"dana@cs.stanford.edu", "Dana@Student.ETHZ.ch", "dana@globex.example"} {
		if got := testing.AllocsPerRun(100, func() { _ = Academic(input) }); got != 0 {
			t.Errorf("Academic(%q): %v allocations, want 0", input, got)
		}
	}
}

func FuzzAcademic(f *testing.F) {
	for _, s := range []string{"", "@", "@@", "mit.edu", "x@ox.ac.uk", "education.com",
		"x@lausd.k12.ca.us", "uni-x.de", "x.ethz.ch", "\xff.edu", "edu", ".edu"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Academic(s)
		d := Domain(s)
		if d == "" {
			if got {
				t.Fatalf("Academic(%q) = true, but the input has no domain", s)
			}
			return
		}
		if again := Academic(d); again != got {
			t.Fatalf("Academic(%q) = %v, but Academic(%q) = %v", s, got, d, again)
		}
		if up := strings.ToUpper(s); isASCII(s) && Academic(up) != got {
			t.Fatalf("Academic(%q) = %v differs from Academic(%q)", s, got, up)
		}
		// A subdomain of an academic domain is academic.
		if got && len(d) < maxDomainLen-2 && !Academic("x."+d) {
			t.Fatalf("Academic(%q) = true but Academic(%q) = false", d, "x."+d)
		}
	})
}

func BenchmarkAcademic(b *testing.B) {
	for _, input := range []string{"dana@cs.stanford.edu", "dana@student.ethz.ch", "dana@sales.globex.example"} {
		b.Run(input, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Academic(input)
			}
		})
	}
}
