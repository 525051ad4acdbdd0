// Package gen makes deterministic synthetic lead populations and event streams for the
// tests, benchmarks and example of leadbeam: the same seed gives the same leads and events,
// byte for byte.
package gen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/leadscore/leadscore"
)

// Keyed is one input element: a lead ID and an event or a lead's JSON.
type Keyed struct {
	Lead string
	JSON []byte
}

// Stream is a generated population: lead attributes and events, both as the JSON the
// pipeline takes.
type Stream struct {
	Start, End time.Time // the span the events' times lie in
	Leads      []Keyed   // one per lead, leadscore.Lead JSON
	Events     []Keyed   // in time order, leadscore.Event JSON, IDs unique
}

// Spec shapes a Stream.
type Spec struct {
	Seed   uint64
	Leads  int
	Events int
	Start  time.Time
	Span   time.Duration
}

var (
	titles = []string{"CEO", "VP of Sales", "Director of IT", "Marketing Manager", "Software Engineer",
		"Account Executive", "Head of Operations", "Student Intern", "CFO", "Product Manager"}
	freeDomains = []string{"gmail.com", "yahoo.com", "outlook.com"}
	sources     = []string{"organic", "paid", "referral", "event", ""}
	paths       = []string{"/pricing", "/plans", "/product/analytics", "/features", "/blog/post-1",
		"/blog/post-2", "/docs/start", "/careers", "/customers", "/"}
)

// eventTypes and their weights: web and email dominate, as they do in practice; the strong
// signals (demo requests, calls) are rare.
var eventTypes = []struct {
	typ    string
	weight int
}{
	{leadscore.EventPageView, 50}, {leadscore.EventEmailOpen, 15}, {leadscore.EventEmailClick, 8},
	{leadscore.EventFormSubmit, 4}, {leadscore.EventContentDownload, 4},
	{leadscore.EventWebinarRegistered, 2}, {leadscore.EventWebinarAttended, 2},
	{leadscore.EventDemoRequest, 2}, {leadscore.EventQuestion, 2}, {leadscore.EventCall, 1},
	{leadscore.EventSocialLike, 3}, {leadscore.EventEmailUnsubscribe, 1},
}

// Generate makes a Stream. Leads differ in how active they are (a few leads make many of the
// events, as in practice), so that some reach the hand-off tier, decay out of it and come back.
func Generate(sp Spec) Stream {
	r := rand.New(rand.NewPCG(sp.Seed, sp.Seed^0x9e3779b97f4a7c15))
	st := Stream{Start: sp.Start.UTC(), End: sp.Start.Add(sp.Span).UTC()}
	ids := make([]string, sp.Leads)
	weights := make([]float64, sp.Leads)
	total := 0.0
	for i := range sp.Leads {
		ids[i] = fmt.Sprintf("lead-%06d", i)
		weights[i] = r.ExpFloat64() + 0.05
		total += weights[i]
		st.Leads = append(st.Leads, Keyed{Lead: ids[i], JSON: mustJSON(lead(r, ids[i], i))})
	}
	cum := make([]float64, sp.Leads)
	acc := 0.0
	for i, w := range weights {
		acc += w / total
		cum[i] = acc
	}
	wsum := 0
	for _, t := range eventTypes {
		wsum += t.weight
	}
	type timed struct {
		at time.Time
		k  Keyed
	}
	evs := make([]timed, 0, sp.Events)
	prevLead, prevAt := -1, time.Time{}
	for n := range sp.Events {
		li, _ := slices.BinarySearch(cum, r.Float64())
		li = min(li, sp.Leads-1)
		at := sp.Start.Add(time.Duration(r.Int64N(int64(sp.Span)))).UTC()
		// One event in ten comes in a burst with the one before: same lead, same millisecond
		// (one in four of those at the very same nanosecond), as a page view and the form
		// submitted from it do. Beam's millisecond timestamps cannot order these; the events'
		// own times and IDs must.
		if prevLead >= 0 && r.IntN(10) == 0 {
			li, at = prevLead, prevAt.Truncate(time.Millisecond).Add(time.Duration(r.Int64N(int64(time.Millisecond))))
			if r.IntN(4) == 0 {
				at = prevAt
			}
		}
		prevLead, prevAt = li, at
		pick := r.IntN(wsum)
		typ := eventTypes[0].typ
		for _, t := range eventTypes {
			if pick < t.weight {
				typ = t.typ
				break
			}
			pick -= t.weight
		}
		ev := leadscore.Event{ID: fmt.Sprintf("ev-%08d", n), Type: typ, Time: at}
		switch typ {
		case leadscore.EventPageView:
			ev.Channel, ev.Path = "web", paths[r.IntN(len(paths))]
		case leadscore.EventEmailOpen, leadscore.EventEmailClick, leadscore.EventEmailUnsubscribe:
			ev.Channel = "email"
		}
		evs = append(evs, timed{at, Keyed{Lead: ids[li], JSON: mustJSON(ev)}})
	}
	slices.SortStableFunc(evs, func(a, b timed) int { return a.at.Compare(b.at) })
	for _, e := range evs {
		st.Events = append(st.Events, e.k)
	}
	return st
}

func lead(r *rand.Rand, id string, i int) leadscore.Lead {
	company := fmt.Sprintf("company-%d", i%997)
	l := leadscore.Lead{
		ID:     id,
		Name:   "Lead " + id,
		Title:  titles[r.IntN(len(titles))],
		Source: sources[r.IntN(len(sources))],
		Company: leadscore.Company{
			Name: company, Domain: company + ".example",
			Employees: []int{5, 30, 200, 1500, 12000}[r.IntN(5)],
			Revenue:   float64(r.IntN(50)) * 1e6,
		},
		BANT: leadscore.BANT{Budget: r.IntN(4) == 0, Authority: r.IntN(4) == 0},
	}
	if r.IntN(4) == 0 {
		l.Email = id + "@" + freeDomains[r.IntN(len(freeDomains))]
	} else {
		l.Email = id + "@" + l.Company.Domain
	}
	if r.IntN(3) == 0 {
		l.Phone = "+1 555 0100"
	}
	return l
}

// Shuffled returns a copy of ks in a random order of the seed's, with about dupFraction of
// them delivered twice (a redelivery: the same bytes), as an at-least-once source does.
func Shuffled(ks []Keyed, seed uint64, dupFraction float64) []Keyed {
	r := rand.New(rand.NewPCG(seed, seed+1))
	out := slices.Clone(ks)
	for _, k := range ks {
		if r.Float64() < dupFraction {
			out = append(out, k)
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
