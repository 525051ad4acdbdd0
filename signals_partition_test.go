package leadscore

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/leadscore/leadscore/internal/state"
)

// detectEvery is detect as it was before the detectors were partitioned (detectorSets): every
// built-in detector, in order, run through detectBuiltin with no idle check at all. It is the
// oracle for detect, which visits only the sets a State can fire and decides the lead-reading
// detectors before building their signals.
func detectEvery[L any](s *Scorer[L], sc *scratch[L], sd *state.Data, at int64, res *Result) {
	for i := range s.detectors {
		d := &s.detectors[i]
		if d.when != nil {
			continue
		}
		sig, ok, err := s.detectBuiltin(d, sc, sd, true, at)
		if err != nil {
			res.Errors = append(res.Errors, runtimeError(ItemSignal, d.kind, "lead_fields", err))
			if d.kind == SignalCompetitor {
				res.Disqualified = true
			}
			continue
		}
		if ok {
			sig.Kind = d.kind
			sig.Strength = min(max(sig.Strength, 0), 1)
			if sig.At.IsZero() {
				sig.At = res.At
			}
			res.Signals = append(res.Signals, sig)
			sc.env.Signals[d.bit] = true
			if d.kind == SignalCompetitor {
				res.Disqualified = true
			}
		}
	}
}

// detectOutcome is what detect leaves: the signals and errors in order, the disqualification
// and the active kinds the environment shows the expressions that follow.
func detectOutcome[L any](sc *scratch[L], r *Result) string {
	return fmt.Sprintf("signals %+v\nerrors %q\ndisqualified %v\nactive %v", r.Signals, fmt.Sprint(r.Errors), r.Disqualified, sc.env.Signals)
}

// partitionLead is a lead type whose email and title are read through a pointer that may be
// nil: its lead-reading detectors fail at run time, so detect's errors are compared too.
type partitionLead struct {
	Contact *struct{ Email, Title string }
	Company string
}

// TestDetectPartitionAgrees: detect gives exactly what running every built-in detector in
// order gives — the same signals in the same order, the same errors, the same disqualification
// and active kinds — on the presets, on the benchmark rule set, on a config with every
// detector on (lists with entries, an empty list, custom detectors after the built-in ones),
// and for a lead type whose fields can fail, after random event histories at random times.
func TestDetectPartitionAgrees(t *testing.T) {
	everything := detectorConfig()
	everything.Pages = map[string][]string{"pricing": {"/pricing"}, "product": {"/product/*"}, "careers": {"/careers", "/jobs/*"}}
	everything.Signals = []SignalConfig{
		{Kind: SignalFrequentVisits, Min: 2, Window: Duration(3 * Day)},
		{Kind: SignalJobSeeker, Window: Duration(2 * Day)},
		{Kind: "hot_student", When: `has_signal("student") && lead.Title != ""`},
	}
	emptyList := detectorConfig()
	emptyList.Lists["targets"] = nil // a list detector with nothing to match: out of the sets

	leads := []Lead{
		benchLead,
		{Email: "kim@gmail.com", Title: "Student", Company: Company{Name: "Rival Inc"}},
		{Email: "lee@cs.mit.edu", Title: "PhD Student", Name: "Lee"},
		{Email: "x@bigco.example", Title: "VP Sales", Company: Company{Name: "Initech", Domain: "bigco.example"}},
		{Email: "ann@rival.example", Company: Company{Domain: "rival.example"}},
		{Email: "", Title: ""},
		{Email: "not an address", Title: "Intern"},
	}
	fired := map[string]bool{} // the kinds seen firing, and "error", so the test is known to reach them
	for k, c := range []struct {
		name string
		cfg  Config
	}{{"b2b", DefaultB2B()}, {"b2c", DefaultB2C()}, {"thirty", thirtyRules()}, {"every detector", everything}, {"empty list", emptyList}} {
		s := compileT(t, c.cfg)
		checkDetectPartition(t, c.name, s, leads, func(l Lead) Lead { return l }, rand.New(rand.NewPCG(11, uint64(k))), fired)
	}

	mapped := detectorConfig()
	mapped.LeadFields = map[string]string{"email": "lead.Contact.Email", "title": "lead.Contact.Title", "company": "lead.Company", "company_domain": "''", "name": "''"}
	s, err := Compile[partitionLead](mapped)
	if err != nil {
		t.Fatal(err)
	}
	checkDetectPartition(t, "failing fields", s, leads, func(l Lead) partitionLead {
		p := partitionLead{Company: l.Company.Name}
		if l.Email != "" { // no contact: every mapped read fails
			p.Contact = &struct{ Email, Title string }{l.Email, l.Title}
		}
		return p
	}, rand.New(rand.NewPCG(12, 0)), fired)
	for _, k := range append(BuiltinSignalKinds(), "error") {
		if !fired[k] {
			t.Errorf("%s never fired: the test does not reach it", k)
		}
	}
}

func checkDetectPartition[L any](t *testing.T, name string, s *Scorer[L], leads []Lead, conv func(Lead) L, rng *rand.Rand, kinds map[string]bool) {
	t.Helper()
	paths := []string{"/pricing", "/product/a", "/careers", "/blog/x", "/jobs/1", "/"}
	types := EventTypes()
	for trial := range 150 {
		var st State
		lead := conv(leads[rng.IntN(len(leads))])
		at := t0
		gap := []time.Duration{time.Hour, Day, 10 * Day}[rng.IntN(3)]
		for range rng.IntN(40) {
			at = at.Add(time.Duration(rng.Int64N(int64(gap))))
			e := Event{Type: types[rng.IntN(len(types))], Time: at, Value: float64(rng.IntN(300))}
			if rng.IntN(3) == 0 {
				e.Type = EventPageView
			}
			if e.Type == EventPageView {
				e.Path = paths[rng.IntN(len(paths))]
			}
			if _, err := s.Observe(lead, &st, e); err != nil {
				t.Fatalf("%s: Observe(%+v): %v", name, e, err)
			}
		}
		sc := s.get()
		d := s.view(&st.d)
		for range 6 {
			now := at.Add(time.Duration(rng.Int64N(int64([]time.Duration{time.Hour, 5 * Day, 60 * Day}[rng.IntN(3)]))))
			u := d.At(now.UnixNano())
			for _, l := range leads {
				lead := conv(l)
				var got, want Result
				got.At, want.At = now, now
				s.fillEnv(sc, &lead, d, u, now, nil)
				s.detect(sc, d, u, &got)
				g := detectOutcome(sc, &got)
				s.fillEnv(sc, &lead, d, u, now, nil)
				detectEvery(s, sc, d, u, &want)
				if w := detectOutcome(sc, &want); g != w {
					t.Fatalf("%s trial %d, lead %+v at %v:\ndetect:\n%s\nevery detector:\n%s", name, trial, l, now, g, w)
				}
				for _, sig := range got.Signals {
					kinds[sig.Kind] = true
				}
				if len(got.Errors) > 0 {
					kinds["error"] = true
				}
			}
		}
		s.put(sc)
	}
}
