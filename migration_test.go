package leadscore

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestRenamedFromErrors(t *testing.T) {
	ev := func(id string, from ...string) EventRule {
		return EventRule{ID: id, On: []string{EventWebinarAttended}, Points: 10, HalfLife: Duration(14 * Day), RenamedFrom: from}
	}
	custom := func(kind string, from ...string) SignalConfig {
		return SignalConfig{Kind: kind, When: "total > 10", RenamedFrom: from}
	}
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string // every error's message, in order
	}{
		{"empty former id", Config{Events: []EventRule{ev("webinar", "")}},
			[]string{`leadscore: event rule "webinar": renamed_from: an empty former id`}},
		{"own id", Config{Events: []EventRule{ev("webinar", "webinar")}},
			[]string{`leadscore: event rule "webinar": renamed_from: "webinar" is its own id`}},
		{"still a current rule", Config{Events: []EventRule{ev("demo"), ev("webinar", "demo")}},
			[]string{`leadscore: event rule "webinar": renamed_from: "demo" names a current event rule, which keeps that history`}},
		{"current rule later in the list", Config{Events: []EventRule{ev("webinar", "demo"), ev("demo")}},
			[]string{`leadscore: event rule "webinar": renamed_from: "demo" names a current event rule, which keeps that history`}},
		{"claimed by two rules", Config{Events: []EventRule{ev("webinar", "old-webinar"), ev("webinar-live", "legacy", "old-webinar")}},
			[]string{`leadscore: event rule "webinar-live": renamed_from: "old-webinar" is also claimed by event rule "webinar": a history goes to one event rule only`}},
		{"listed twice", Config{Events: []EventRule{ev("webinar", "old", "old")}},
			[]string{`leadscore: event rule "webinar": renamed_from: "old" is listed twice`}},
		{"every problem at once", Config{Events: []EventRule{ev("a", "", "b"), ev("b", "x"), ev("c", "x")}},
			[]string{
				`leadscore: event rule "a": renamed_from: an empty former id`,
				`leadscore: event rule "a": renamed_from: "b" names a current event rule, which keeps that history`,
				`leadscore: event rule "c": renamed_from: "x" is also claimed by event rule "b": a history goes to one event rule only`,
			}},
		{"built-in signal", Config{Signals: []SignalConfig{{Kind: SignalQuestion, RenamedFrom: []string{"asked"}}}},
			[]string{`leadscore: signal "question": renamed_from: a built-in signal keeps its kind; renamed_from is for custom signals`}},
		{"signal renamed from a built-in kind", Config{Signals: []SignalConfig{custom("hot", SignalVelocity)}},
			[]string{`leadscore: signal "hot": renamed_from: "velocity" names a current signal, which keeps that history`}},
		{"signal empty former kind", Config{Signals: []SignalConfig{custom("hot", "")}},
			[]string{`leadscore: signal "hot": renamed_from: an empty former kind`}},
		{"signal claimed twice", Config{Signals: []SignalConfig{custom("hot", "vip"), custom("warm", "vip")}},
			[]string{`leadscore: signal "warm": renamed_from: "vip" is also claimed by signal "hot": a history goes to one signal only`}},
		{"signal still current", Config{Signals: []SignalConfig{custom("hot", "vip"), custom("vip")}},
			[]string{`leadscore: signal "hot": renamed_from: "vip" names a current signal, which keeps that history`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, re := range compileErrors(t, tc.cfg) {
				if re.Field != "renamed_from" {
					t.Errorf("field %q, want renamed_from: %v", re.Field, re)
				}
				got = append(got, re.Error())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
	// What the checks allow: a former ID that only an attribute rule has now (an event rule
	// turned into an attribute rule hands its history to its successor), and chains of renames.
	ok := Config{
		Rules:   []Rule{{ID: "pricing", Dimension: Fit, Points: 1}},
		Events:  []EventRule{ev("pricing-visits", "pricing"), ev("webinar", "webinar-2024", "webinar-2023")},
		Signals: []SignalConfig{custom("hot", "vip")},
	}
	if _, err := Compile[Lead](ok); err != nil {
		t.Errorf("Compile: %v", err)
	}
}

// migrationConfigs are a rule set and its next version: "pricing" renamed to
// "pricing-visits" (with renamed_from), demo's half-life from 14 to 15 days, "old-webinar"
// renamed to "webinar" without renamed_from, the custom signal "vip" renamed to "influencer",
// and a new rule reading calls.
func migrationConfigs() (Config, Config) {
	v1 := Config{
		Pages: map[string][]string{"pricing": {"/pricing"}},
		Events: []EventRule{
			{ID: "pricing", On: []string{EventPageView}, When: "event.Category == 'pricing'", Points: 8, HalfLife: Duration(14 * Day)},
			{ID: "demo", On: []string{EventDemoRequest}, Points: 40, HalfLife: Duration(14 * Day)},
			{ID: "old-webinar", On: []string{EventWebinarAttended}, Points: 10, HalfLife: Duration(45 * Day)},
			{ID: "unsubscribed", On: []string{EventEmailUnsubscribe}, Points: -20, Once: true},
		},
		Signals: []SignalConfig{{Kind: "vip", When: "total > 40"}},
	}
	v2 := Config{
		Pages: map[string][]string{"pricing": {"/pricing"}},
		Events: []EventRule{
			{ID: "pricing-visits", On: []string{EventPageView}, When: "event.Category == 'pricing'", Points: 8, HalfLife: Duration(14 * Day), RenamedFrom: []string{"pricing"}},
			{ID: "demo", On: []string{EventDemoRequest}, Points: 40, HalfLife: Duration(15 * Day)},
			{ID: "webinar", On: []string{EventWebinarAttended}, Points: 10, HalfLife: Duration(45 * Day)},
			{ID: "unsubscribed", On: []string{EventEmailUnsubscribe, EventEmailBounce}, Points: -20, Once: true},
			{ID: "call", On: []string{EventCall}, Points: 20, HalfLife: Duration(21 * Day)},
		},
		Signals: []SignalConfig{{Kind: "influencer", When: "total > 40", RenamedFrom: []string{"vip"}}},
	}
	return v1, v2
}

func TestPlanMigration(t *testing.T) {
	v1, v2 := migrationConfigs()
	m, err := PlanMigration[Lead](v1, v2)
	if err != nil {
		t.Fatal(err)
	}
	want := `event rule "pricing-visits": renamed from "pricing" (history kept)
event rule "demo": half-life 14d → 15d, history converted (exact for leads with 1–2 matched events, approximate otherwise)
event rule "webinar": new — no stored lead has history for it: it counts events from now on
event rule "unsubscribed": kept (its "on" or "when" changed: stored history counts the events the old rule matched)
event rule "call": new — no stored lead has history for it: it counts events from now on
event rule "old-webinar": reset — its history is dropped from every stored lead; if "webinar" replaces it, add "renamed_from": ["old-webinar"]
signal "influencer": renamed from "vip" (active flag kept: it is not raised again)
kept as they are: 10 signals, 13 event types, the velocity window
`
	if got := m.String(); got != want {
		t.Errorf("String:\n%s\nwant:\n%s", got, want)
	}
	resets := m.Resets()
	if len(resets) != 1 || resets[0] != (MigrationStep{Kind: MigrationEventRule, ID: "old-webinar", Action: MigrationReset,
		Before: Duration(45 * Day), Detail: `if "webinar" replaces it, add "renamed_from": ["old-webinar"]`}) {
		t.Errorf("Resets: %+v", resets)
	}
	demo := m.Steps[slices.IndexFunc(m.Steps, func(s MigrationStep) bool { return s.ID == "demo" })]
	if demo.Action != MigrationConverted || demo.Exact || demo.Before != Duration(14*Day) || demo.After != Duration(15*Day) {
		t.Errorf("demo: %+v", demo)
	}

	// Unchanged rule sets: everything kept, and only the summary line.
	same, err := PlanMigration[Lead](v2, v2)
	if err != nil || len(same.Resets()) != 0 || same.String() != "kept as they are: 5 event rules, 11 signals, 13 event types, the velocity window\n" {
		t.Errorf("unchanged: %q, %v", same.String(), err)
	}
}

// The reset hint names the new items that may replace the old one: the new event rules that
// listen to one of its event types, or every new custom signal.
func TestMigrationResetHints(t *testing.T) {
	from := Config{
		Events:  []EventRule{{ID: "old", On: []string{EventCall}, Points: 1}, {ID: "gone", On: []string{EventReferral}, Points: 1}},
		Signals: []SignalConfig{{Kind: "vip", When: "total > 1"}},
	}
	to := Config{
		Events: []EventRule{
			{ID: "calls", On: []string{EventCall, EventQuestion}, Points: 1},
			{ID: "anything", Points: 1},
			{ID: "downloads", On: []string{EventContentDownload}, Points: 1},
		},
		Signals: []SignalConfig{{Kind: "hot", When: "total > 1"}, {Kind: "warm", When: "total > 0"}},
	}
	m, err := PlanMigration[Lead](from, to)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range m.Resets() {
		got = append(got, s.String())
	}
	want := []string{
		`event rule "old": reset — its history is dropped from every stored lead; if one of "calls", "anything" replaces it, add "renamed_from": ["old"] to that rule`,
		`event rule "gone": reset — its history is dropped from every stored lead; if "anything" replaces it, add "renamed_from": ["gone"]`,
		`signal "vip": reset — its active flag is dropped from every stored lead; if one of "hot", "warm" replaces it, add "renamed_from": ["vip"] to that signal`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("resets:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	hot := m.Steps[slices.IndexFunc(m.Steps, func(s MigrationStep) bool { return s.ID == "hot" })]
	if got := hot.String(); got != `signal "hot": new — a stored lead it holds for sees it raised at its next evaluation` {
		t.Errorf("new signal: %s", got)
	}
	if hint := renameHint("rule", "x", nil); hint != `if a rule replaces it, add "renamed_from": ["x"] to that rule` {
		t.Errorf("no successor: %s", hint)
	}
}

func TestPlanMigrationCompileErrors(t *testing.T) {
	good, _ := migrationConfigs()
	bad := Config{Events: []EventRule{{ID: "a", Points: 1, RenamedFrom: []string{""}}, {ID: "b", Points: math.NaN()}}}
	_, err := PlanMigration[Lead](bad, good)
	want := `leadscore: from config: event rule "a": renamed_from: an empty former id
leadscore: from config: event rule "b": points: NaN is not a finite number`
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n%v\nwant:\n%s", err, want)
	}
	var re *RuleError
	if !errors.As(err, &re) || re.RuleID != "a" || re.Field != "renamed_from" {
		t.Errorf("errors.As: %+v", re)
	}
	_, err = PlanMigration[Lead](bad, bad)
	if err == nil || strings.Count(err.Error(), "from config") != 2 || strings.Count(err.Error(), "to config") != 2 {
		t.Errorf("both rule sets' errors, all of them: %v", err)
	}
	if _, err := PlanMigration[Lead](good, good, WithDedupWindow(-1)); err == nil || !strings.HasPrefix(err.Error(), "leadscore: from config: WithDedupWindow(-1)") {
		t.Errorf("option error: %v", err)
	}
}

// What the plan says happens to a stored State does happen: a renamed rule keeps its points,
// a half-life change converts the history (exactly for two events: what a replay gives, not
// a reset to 0), a rename without renamed_from drops the history.
func TestMigrationOnStoredStates(t *testing.T) {
	v1, v2 := migrationConfigs()
	before, after := compileT(t, v1), compileT(t, v2)
	events := []Event{
		{Type: EventPageView, Path: "/pricing", Time: t0},
		{Type: EventPageView, Path: "/pricing", Time: t0.Add(2 * Day)},
		{Type: EventDemoRequest, Time: t0.Add(Day)},
		{Type: EventDemoRequest, Time: t0.Add(4 * Day)},
		{Type: EventWebinarAttended, Time: t0.Add(3 * Day)},
	}
	var stored, replayed State
	for _, ev := range events {
		mustObserve(t, before, &stored, ev)
		mustObserve(t, after, &replayed, ev)
	}
	data, err := stored.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var loaded State
	if err := loaded.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(10 * Day)
	old, _ := before.Score(Lead{}, &loaded, at)
	cur, _ := after.Score(Lead{}, &loaded, at)
	replay, _ := after.Score(Lead{}, &replayed, at)
	points := func(r Result, id string) float64 {
		for _, c := range r.Contributions {
			if c.RuleID == id {
				return c.Points
			}
		}
		return 0
	}
	if p, q := points(old, "pricing"), points(cur, "pricing-visits"); p == 0 || p != q {
		t.Errorf("renamed rule: %v before, %v after", p, q)
	}
	if p, q := points(cur, "demo"), points(replay, "demo"); math.Abs(p-q) > 1e-9 || p == points(old, "demo") {
		t.Errorf("demo 14d → 15d on the stored State: %v, replayed: %v (before: %v)", p, q, points(old, "demo"))
	}
	if p, q := points(cur, "webinar"), points(replay, "webinar"); p != 0 || q == 0 {
		t.Errorf("webinar, reset: %v on the stored State, %v replayed", p, q)
	}
	if d := replay.Total - cur.Total; math.Abs(d-points(replay, "webinar")) > 1e-9 {
		t.Errorf("stored total %v, replayed %v: they differ by more than the reset rule's %v", cur.Total, replay.Total, points(replay, "webinar"))
	}
}

func mustObserve(t *testing.T, s *Scorer[Lead], st *State, ev Event) {
	t.Helper()
	if _, err := s.Observe(Lead{}, st, ev); err != nil {
		t.Fatal(err)
	}
}

// Event types and the velocity window: a ring that now keeps more times than stored States
// hold, a type no rule reads any more, a type read for the first time, a changed window.
func TestMigrationEventTypesAndVelocity(t *testing.T) {
	from := Config{
		Rules:   []Rule{{ID: "visits", Dimension: Engagement, When: "count('page_view', '7d') >= 1", Points: 5}, {ID: "referred", Dimension: Fit, When: "days_since('referral') < 30", Points: 5}},
		Events:  []EventRule{{ID: "demo", On: []string{EventDemoRequest}, Points: 40, HalfLife: Duration(14 * Day)}},
		Signals: []SignalConfig{{Kind: SignalVelocity, Window: Duration(7 * Day)}},
	}
	to := Config{
		Rules:   []Rule{{ID: "visits", Dimension: Engagement, When: "count('page_view', '7d') >= 3", Points: 5}, {ID: "churned", Dimension: Fit, When: "days_since('churn') < 30", Points: -5}},
		Events:  []EventRule{{ID: "demo", On: []string{EventDemoRequest}, Points: 40, HalfLife: Duration(14 * Day)}},
		Signals: []SignalConfig{{Kind: SignalVelocity, Window: Duration(14 * Day)}},
	}
	m, err := PlanMigration[Lead](from, to)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range m.Steps {
		if s.Kind == MigrationEventType && s.Action != MigrationKept || s.Detail != "" && s.Kind != MigrationEventRule {
			got = append(got, s.String())
		}
	}
	want := []string{
		`event type "page_view": kept (stored leads hold at most their latest 2; counts over past events may read low until new events fill the other 2)`,
		`event type "churn": new — stored leads have no times for it: count and days_since see events from now on`,
		`event type "referral": dropped — no rule reads it any more, so stored leads drop its times`,
		`velocity: window 7d → 14d, sums converted (exact for leads with one engagement event, approximate otherwise)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	off := to
	off.Signals = []SignalConfig{{Kind: SignalVelocity, Off: true}}
	m, _ = PlanMigration[Lead](from, off)
	if v := m.Steps[len(m.Steps)-1]; v.String() != "velocity: window 7d → none, sums converted (the velocity signal is off: its sums are no longer read)" {
		t.Errorf("velocity turned off: %s", v)
	}
}
