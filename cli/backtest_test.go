package cli

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/text"
)

// -charts writes the calibration's lift and calibration charts, each a well-formed SVG
// document, into a directory it creates, and says where they are.
func TestBacktestCharts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "charts", "q3")
	r := execute(t, "", "backtest", "-calibrate", "-charts", dir, "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl")
	if r.code != ExitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	for _, name := range []string{"lift.svg", "calibration.svg"} {
		path := filepath.Join(dir, name)
		if !strings.Contains(r.stdout, path) {
			t.Errorf("stdout does not name %s:\n%s", path, r.stdout)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		root, elements := checkXML(t, name, data)
		if root != "svg" || elements < 20 {
			t.Errorf("%s: root <%s>, %d elements; want an <svg> drawing", name, root, elements)
		}
	}
}

// checkXML decodes data to its end and returns its root element's name and how many elements
// it has.
func checkXML(t *testing.T, name string, data []byte) (root string, elements int) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(data)))
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if root != "" {
					t.Fatalf("%s has a second root element <%s>", name, tok.Name.Local)
				}
				root = tok.Name.Local
			}
			depth++
			elements++
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 {
		t.Fatalf("%s: %d elements left open", name, depth)
	}
	return root, elements
}

// A chart that cannot be written is an error naming the file, and nothing is written to
// stdout.
func TestBacktestChartsUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "taken")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := execute(t, "", "backtest", "-calibrate", "-charts", file, "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl")
	if r.code != ExitBadInput || r.stdout != "" || !strings.HasPrefix(r.stderr, file+": ") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and an error naming %s", r.code, r.stdout, r.stderr, file)
	}
}

// -json is one JSON object, whose numbers are numbers or null (never NaN, which JSON lacks),
// and which holds the figures the text gives.
func TestBacktestJSON(t *testing.T) {
	r := execute(t, `{"lead": {"title": "CEO"}, "at": "2026-03-01", "converted": true}
{"lead": {"title": "Intern"}, "at": "2026-03-01", "converted": false}
{"lead": {"title": "Analyst"}, "at": "2026-03-01", "converted": false}
`, "backtest", "-json", "-rules", "testdata/backtest/rules.json")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got struct {
		Evaluation struct {
			Leads, Converted int
			AUC              float64
			Handoff          struct {
				Leads     int
				Precision *float64
			}
		}
		Calibration *json.RawMessage
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	ev := got.Evaluation
	if ev.Leads != 3 || ev.Converted != 1 || ev.AUC != 1 || ev.Handoff.Leads != 0 || ev.Handoff.Precision != nil || got.Calibration != nil {
		t.Errorf("got %+v (calibration %v); want 3 leads, 1 converted, AUC 1, nobody handed off (precision null), no calibration", ev, got.Calibration)
	}
}

func TestJSONNumber(t *testing.T) {
	for v, want := range map[float64]string{
		0.1 + 0.2: "0.3", 25: "25", -0.5: "-0.5", 1.0 / 3: "0.333333333", 1e-7: "1e-07",
		math.NaN(): "null", math.Inf(1): "null", math.Inf(-1): "null",
	} {
		got, err := jsonNumber(v).MarshalJSON()
		if err != nil || string(got) != want || !json.Valid(got) {
			t.Errorf("jsonNumber(%v) = %s, %v; want %s", v, got, err, want)
		}
	}
}

// Each lead is scored as it was at its "at": an event after it (the purchase itself) does
// not count, and the text says how many were left out.
func TestBacktestPointInTime(t *testing.T) {
	leads := `{"lead": {}, "events": [{"type": "demo_request", "time": "2026-03-02"}], "at": "2026-03-01", "converted": true}
{"lead": {}, "events": [{"type": "page_view", "path": "/careers", "time": "2026-02-20"}], "at": "2026-03-01", "converted": false}
`
	r := execute(t, leads, "backtest", "-json", "-rules", "testdata/backtest/rules.json")
	var got struct {
		LeftOut    int `json:"left_out_events"`
		Evaluation struct {
			Tiers []struct {
				Tier     string
				MaxTotal float64 `json:"max_total"`
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("exit %d, %v: %s", r.code, err, r.stderr)
	}
	if got.LeftOut != 1 {
		t.Errorf("left out %d events, want 1", got.LeftOut)
	}
	for _, tier := range got.Evaluation.Tiers {
		if tier.MaxTotal >= 40 {
			t.Errorf("tier %s reaches %v points: the demo after \"at\" was counted", tier.Tier, tier.MaxTotal)
		}
	}
	r = execute(t, leads, "backtest", "-rules", "testdata/backtest/rules.json")
	if !strings.Contains(r.stdout, `1 event after "at" was left out`) {
		t.Errorf("the text does not say an event was left out:\n%s", r.stdout)
	}
}

// A YAML list of leads is read as score reads it; a lead without an outcome is reported at
// its line and column.
func TestBacktestYAMLLeads(t *testing.T) {
	yaml := "- lead: {title: CEO}\n  at: 2026-03-01\n  converted: true\n- lead: {title: Intern}\n  at: 2026-03-01\n  converted: false\n"
	if r := execute(t, yaml, "backtest", "-rules", "testdata/backtest/rules.json"); r.code != ExitOK || !strings.HasPrefix(r.stdout, "2 leads, 1 converted (50.0%).\n") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	yaml = "- lead: {title: CEO}\n  at: 2026-03-01\n  converted: true\n- lead: {title: Intern}\n  at: 2026-03-01\n"
	r := execute(t, yaml, "backtest", "-rules", "testdata/backtest/rules.json")
	if want := "stdin:4:3: no \"converted\""; r.code != ExitBadInput || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.stderr, want)
	}
}

// Progress: on a terminal each fit rewrites one line, finished at the end; elsewhere only
// with -progress, a line per fit.
func TestBacktestProgress(t *testing.T) {
	leads := mustRead(t, "testdata/backtest/leads.jsonl")
	for _, tc := range []struct {
		name   string
		tty    bool
		args   []string
		stderr string
	}{
		{"off when not a terminal", false, nil, ""},
		{"forced", false, []string{"-progress"}, "calibrating: fit 1 of 3 (1s)\ncalibrating: fit 2 of 3 (2s)\ncalibrating: fit 3 of 3 (3s)\n"},
		{"terminal", true, nil, "\rcalibrating: fit 1 of 3 (1s)\rcalibrating: fit 2 of 3 (2s)\rcalibrating: fit 3 of 3 (3s)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _, errOut := fakeEnv(leads, tc.tty)
			e.progressEvery = 1000
			args := append([]string{"backtest", "-calibrate", "-folds", "2", "-rules", "testdata/backtest/rules.json"}, tc.args...)
			if code := run[leadscore.Lead](args, e); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if errOut.String() != tc.stderr {
				t.Errorf("stderr %q, want %q", errOut, tc.stderr)
			}
		})
	}
}

// A lead type of a team's own carries its outcome as the line's "converted"; -outcome
// traits.NAME is the standard lead's.
func TestBacktestCustomLead(t *testing.T) {
	type crmLead struct {
		Email string `json:"email"`
		Seats int    `json:"seats"`
	}
	rules := filepath.Join(t.TempDir(), "rules.json")
	if err := os.WriteFile(rules, []byte(`{"rules": [{"id": "big", "dimension": "fit", "when": "lead.Seats >= 50", "points": 30}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	leads := `{"lead": {"seats": 80}, "at": "2026-03-01", "converted": true}
{"lead": {"seats": 5}, "at": "2026-03-01", "converted": false}
`
	r := executeFor[crmLead](t, Options{}, leads, "backtest", "-rules", rules)
	if r.code != ExitOK || !strings.Contains(r.stdout, "ROC AUC 1.000") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = executeFor[crmLead](t, Options{}, leads, "backtest", "-outcome", "traits.won", "-rules", rules)
	if want := `leadscore backtest: -outcome traits.won: traits are the standard lead's; give the outcome as the line's "converted"`; r.code != ExitBadInput || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("exit %d, stderr %q; want %q", r.code, r.stderr, want)
	}
}

func TestParseTierRates(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]float64
		err  string
	}{
		{in: ""},
		{in: "hot=0.6", want: map[string]float64{"hot": 0.6}},
		{in: " hot = 0.6 , warm=25%", want: map[string]float64{"hot": 0.6, "warm": 0.25}},
		{in: "hot=0", err: "hot=0: want a conversion rate between 0 and 1"},
		{in: "hot=1", err: "hot=1: want a conversion rate between 0 and 1"},
		{in: "hot=100%", err: "hot=100%: want a conversion rate"},
		{in: "hot=0.99", want: map[string]float64{"hot": 0.99}},
		{in: "hot", err: `"hot": want name=rate`},
		{in: "=0.5", err: `"=0.5": want name=rate`},
		{in: "hot=0.6,hot=0.7", err: `tier "hot" given twice`},
		{in: "hot=x", err: "hot=x: want a conversion rate"},
	} {
		got, err := parseTierRates(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("parseTierRates(%q): error %v, want %q", tc.in, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("parseTierRates(%q): %v", tc.in, err)
		case tc.err == "" && len(got) != len(tc.want):
			t.Errorf("parseTierRates(%q) = %v, want %v", tc.in, got, tc.want)
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("parseTierRates(%q)[%q] = %v, want %v", tc.in, k, got[k], v)
			}
		}
	}
}

// -write-rules writes the calibrated rule set, which reads back, compiles, and holds the
// points the summary shows.
func TestBacktestWriteRules(t *testing.T) {
	file := filepath.Join(t.TempDir(), "calibrated.json")
	r := execute(t, "", "backtest", "-calibrate", "-write-rules", file, "-rules", "testdata/backtest/rules.json", "testdata/backtest/leads.jsonl")
	if r.code != ExitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "The calibrated rule set is in "+file) {
		t.Errorf("stdout does not say where the rule set is:\n%s", r.stdout)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := leadscore.ParseConfig(data)
	if err != nil {
		t.Fatalf("the calibrated rule set does not parse: %v\n%s", err, data)
	}
	if _, err := leadscore.Compile[leadscore.Lead](cfg); err != nil {
		t.Fatalf("the calibrated rule set does not compile: %v", err)
	}
	for _, rule := range cfg.Rules {
		if rule.ID == "decision-maker" && !strings.Contains(r.stdout, "decision-maker  20 → "+text.Number(rule.Points, 2)+" ") {
			t.Errorf("decision-maker has %v points in the file, the summary says otherwise:\n%s", rule.Points, r.stdout)
		}
	}
	if strings.Contains(string(data), `\u003e`) {
		t.Error("the rule set escapes > in expressions")
	}
}

// An event the Scorer rejects is reported at its lead's line.
func TestBacktestRejectedEvent(t *testing.T) {
	leads := `{"lead": {}, "at": "2026-03-01", "converted": true}` + "\n\n" +
		`{"lead": {}, "events": [{"type": "page_view", "time": "2026-02-01", "path": "/` + strings.Repeat("x", 20000) + `"}], "at": "2026-03-01", "converted": false}` + "\n"
	r := execute(t, leads, "backtest", "-rules", "testdata/backtest/rules.json")
	if want := "stdin:3: event too large: path has 20,001 bytes"; r.code != ExitBadInput || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("exit %d, stderr %q; want exit 2 and %q…", r.code, r.stderr, want)
	}
}
