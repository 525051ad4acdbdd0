package leadscore

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// Unknown is not zero: a blank field fires the preset's "unknown (neutral)" rule and none of
// the rules that judge a value, and the smallest real value is judged — at each edge.
func TestPresetsUnknownIsNeutral(t *testing.T) {
	b2b, b2c := compileT(t, DefaultB2B()), compileT(t, DefaultB2C())
	for _, c := range []struct {
		name       string
		s          *Scorer[Lead]
		lead       Lead
		fired      []string
		notFired   []string
		fitAtLeast float64
		persona    string // if set, the persona the lead must get
	}{
		{"b2b: nothing known", b2b, Lead{}, []string{"title-unknown", "company-size-unknown"},
			[]string{"company-micro", "company-established", "title-individual", "title-student", "email-business", "email-free"}, 0, ""},
		{"b2b: one employee is known, and micro", b2b, Lead{Company: Company{Employees: 1}}, []string{"company-micro"}, []string{"company-size-unknown"}, -5, ""},
		{"b2b: nine employees, micro", b2b, Lead{Company: Company{Employees: 9}}, []string{"company-micro"}, []string{"company-size-unknown"}, -5, ""},
		{"b2b: ten employees, neither", b2b, Lead{Company: Company{Employees: 10}}, nil, []string{"company-micro", "company-size-unknown", "company-midmarket"}, 0, ""},
		{"b2b: revenue alone sizes the company", b2b, Lead{Company: Company{Revenue: 1}}, nil, []string{"company-size-unknown", "company-micro"}, 0, ""},
		{"b2b: a blank title is unknown", b2b, Lead{Title: "  "}, []string{"title-unknown"}, []string{"title-individual"}, 0, ""},
		{"b2b: an unrecognised title is unknown", b2b, Lead{Title: "Wizard"}, []string{"title-unknown"}, nil, 0, ""},
		{"b2b: a known title", b2b, Lead{Title: "Engineer"}, []string{"title-individual"}, []string{"title-unknown"}, 0, ""},
		{"b2c: nothing known", b2c, Lead{}, []string{"age-unknown", "income-unknown"}, []string{"minor", "age-core", "income-mid", "income-high"}, 0, ""},
		{"b2c: age 1 is known, and a minor", b2c, Lead{Age: 1}, []string{"minor"}, []string{"age-unknown"}, -50, ""},
		{"b2c: age 17, a minor", b2c, Lead{Age: 17}, []string{"minor"}, []string{"age-unknown"}, -50, ""},
		{"b2c: age 18, known, not a minor", b2c, Lead{Age: 18}, nil, []string{"minor", "age-unknown", "age-core"}, 0, ""},
		{"b2c: any income is known", b2c, Lead{Income: 0.01}, nil, []string{"income-unknown", "income-mid"}, 0, ""},
		{"b2c: no children is not a bad fit", b2c, Lead{Children: 0}, nil, []string{"family"}, 0, ""},
		{"b2c: 12 purchases, tenure unknown, is not a monthly buyer", b2c, Lead{Purchases: 12}, nil, []string{"monthly-buyer"}, 0, ""},
		{"b2c: 12 purchases in half a year", b2c, Lead{Purchases: 12, CustomerSince: t0.AddDate(0, -6, 0)}, []string{"monthly-buyer"}, nil, 0, ""},
		{"b2c: 12 purchases in 20 years", b2c, Lead{Purchases: 12, CustomerSince: t0.AddDate(-20, 0, 0)}, nil, []string{"monthly-buyer"}, 0, ""},
		{"b2c: joe, order value unknown, is not a small spender", b2c, Lead{Age: 37, Followers: 40, Purchases: 2}, nil, nil, 0, "joe"},
		{"b2c: joe's order value known and small", b2c, Lead{Age: 37, Followers: 40, Purchases: 2, AvgOrderValue: 20}, nil, nil, 0, "everyone"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := scoreT(t, c.s, c.lead, &State{}, t0)
			for _, id := range c.fired {
				got, ok := contribution(res, id)
				if !ok {
					t.Errorf("%s did not fire", id)
				} else if strings.HasSuffix(id, "-unknown") && (got.Points != 0 || !strings.Contains(got.Reason, "unknown")) {
					t.Errorf("%s: %+v, want 0 points and a reason saying unknown", id, got)
				}
			}
			for _, id := range c.notFired {
				if _, ok := contribution(res, id); ok {
					t.Errorf("%s fired", id)
				}
			}
			if c.persona != "" && res.Persona != c.persona {
				t.Errorf("persona %q, want %q", res.Persona, c.persona)
			}
			if res.Fit < c.fitAtLeast {
				t.Errorf("fit %v, want at least %v", res.Fit, c.fitAtLeast)
			}
		})
	}
}

// The presets' tracks follow the tier: along Joe's story, every result's track is the one his
// persona names for its tier, whatever the path (recycled aside, which has its own track).
func TestPresetTracksFollowTier(t *testing.T) {
	s := compileT(t, DefaultB2C())
	joe := Lead{Age: 41, Followers: 40, Income: 62000}
	want := map[string]string{"cold": "holiday", "warm": "buying-guides", "hot": "store-appointment"}
	var st State
	seen := map[string]bool{}
	for i, typ := range []string{EventSignup, EventPageView, EventEmailClick, EventCheckIn, EventCall, EventMeeting} {
		e := Event{Type: typ, Time: t0.Add(time.Duration(i) * 12 * time.Hour), Path: "/product/grill", Channel: ChannelStore}
		res := observeT(t, s, joe, &st, e)
		if res.Persona != "joe" || res.Track != want[res.Tier] {
			t.Errorf("after %s: persona %s, tier %s, track %q; want joe on %q", typ, res.Persona, res.Tier, res.Track, want[res.Tier])
		}
		seen[res.Tier] = true
	}
	if len(seen) != 3 {
		t.Errorf("the story reached tiers %v, want all three", seen)
	}
}

// The presets' channel rule names exactly the personal channels, and scores the same act on
// each of them above the same act on an impersonal one.
func TestPresetsWeighPersonalChannels(t *testing.T) {
	personal := PersonalChannels()
	for _, cfg := range []Config{DefaultB2B(), DefaultB2C()} {
		s := compileT(t, cfg)
		score := func(channel string) float64 {
			var st State
			return observeT(t, s, Lead{}, &st, Event{Type: EventQuestion, Channel: channel, Time: t0}).Engagement
		}
		for _, ch := range Channels() {
			isPersonal := slices.Contains(personal, ch)
			if got := strings.Contains(findEventRule(t, cfg, "channel-personal").When, `"`+ch+`"`); got != isPersonal {
				t.Errorf("%s: channel-personal names %q: %v, want %v", cfg.Name, ch, got, isPersonal)
			}
			if isPersonal && score(ch) <= score(ChannelWeb) {
				t.Errorf("%s: a question on %s scores %v, not above %v on the web", cfg.Name, ch, score(ch), score(ChannelWeb))
			}
		}
		// Another channel is taken, and scores as an impersonal one.
		if got, web := score("sms"), score(ChannelWeb); got != web {
			t.Errorf("%s: a question by sms scores %v, want %v as on the web", cfg.Name, got, web)
		}
	}
}

func findEventRule(t *testing.T, cfg Config, id string) EventRule {
	t.Helper()
	for _, r := range cfg.Events {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("%s has no event rule %q", cfg.Name, id)
	return EventRule{}
}

// Channel is free text from webhooks: "Phone" or "phone " is the phone to channel-personal.
func TestPresetChannelCaseAndSpace(t *testing.T) {
	s := compileT(t, DefaultB2B())
	score := func(ch string) float64 {
		var st State
		return observeT(t, s, Lead{}, &st, Event{Type: EventQuestion, Channel: ch, Time: t0}).Engagement
	}
	for _, ch := range []string{"Phone", "phone ", " STORE"} {
		if score(ch) != score(ChannelPhone) {
			t.Errorf("a question on %q scores %v, on %q %v", ch, score(ch), ChannelPhone, score(ChannelPhone))
		}
	}
	if score("web") == score(ChannelPhone) {
		t.Error("a question on the web scores like one on the phone")
	}
}

// What DOMAIN-COVERAGE.md claims of the presets' event rules holds: every event rule decays
// except the one-time email-bounce (B2B) and social-follow (B2C), and the call is among the
// strongest events, below only the B2B demo request.
func TestPresetCoverageClaims(t *testing.T) {
	noHalfLife := map[string]string{"default-b2b": "email-bounce", "default-b2c": "social-follow"}
	for _, cfg := range []Config{DefaultB2B(), DefaultB2C()} {
		var call float64
		for _, r := range cfg.Events {
			if r.ID == "call" {
				call = r.Points
			}
		}
		for _, r := range cfg.Events {
			if (r.HalfLife == 0) != (r.ID == noHalfLife[cfg.Name]) {
				t.Errorf("%s: event rule %s, half-life %v: DOMAIN-COVERAGE.md says otherwise", cfg.Name, r.ID, r.HalfLife)
			}
			if r.Points > call && r.ID != "demo-request" {
				t.Errorf("%s: event rule %s scores %v, more than the call's %v", cfg.Name, r.ID, r.Points, call)
			}
		}
	}
}
