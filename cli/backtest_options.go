package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/backtest"
	"github.com/leadscore/leadscore/internal/suggest"
	"github.com/leadscore/leadscore/internal/text"
	"github.com/leadscore/leadscore/internal/yamljson"
)

// calibrationFile is the file -calibration names: what a team states before calibrating
// (the sign each rule must keep, and why), which numbers to cut into thresholds, and the
// fit's settings, as backtest.CalibrateOptions has them. The flags say the rest (folds,
// seed, min-fired, tiers).
type calibrationFile struct {
	Expect         map[string]expectEntry `json:"expect,omitempty"`
	ShrinkBelow    float64                `json:"shrink_below,omitempty"`
	Interactions   int                    `json:"interactions,omitempty"`
	InputPairs     int                    `json:"input_pairs,omitempty"`
	PairBins       int                    `json:"pair_bins,omitempty"`
	Columns        map[string][]string    `json:"columns,omitempty"`
	Bin            []binEntry             `json:"bin,omitempty"`
	Lambda         float64                `json:"lambda,omitempty"`
	Penalty        string                 `json:"penalty,omitempty"`
	PairLambda     float64                `json:"pair_lambda,omitempty"`
	PointsToDouble float64                `json:"points_to_double,omitempty"`
	BaseScore      float64                `json:"base_score,omitempty"`
	BaseOdds       float64                `json:"base_odds,omitempty"`
	Step           float64                `json:"step,omitempty"`
}

type expectEntry struct {
	Sign string `json:"sign"`
	Why  string `json:"why,omitempty"`
}

type binEntry struct {
	ID        string `json:"id"`
	Value     string `json:"value"`
	Sign      string `json:"sign,omitempty"`
	Free      bool   `json:"free,omitempty"`
	Bins      int    `json:"bins,omitempty"`
	Dimension string `json:"dimension,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// signs are the words a sign is written with.
var signs = map[string]backtest.Sign{"positive": backtest.Positive, "negative": backtest.Negative, "any": backtest.AnySign}

// loadCalibration reads the -calibration file name (YAML or JSON) into the options it sets,
// checking it against the rule set cfg: every problem is reported at its line and column, with
// the name probably meant for a misspelt key, rule ID or sign.
func loadCalibration(e *env, name string, cfg leadscore.Config) (backtest.CalibrateOptions, error) {
	var opts backtest.CalibrateOptions
	data, name, err := e.readInput(name)
	if err != nil {
		return opts, err
	}
	// JSON is YAML: one reader, which places every problem, for both.
	f, err := convertYAML(name, data, reflect.TypeFor[calibrationFile](), nil)
	if err != nil {
		return opts, err
	}
	var cf calibrationFile
	if err := json.Unmarshal(f.doc.JSON, &cf); err != nil { // unreachable: Convert checked the types
		return opts, &fileError{File: name, Msg: err.Error()}
	}
	var problems fileErrors
	at := func(path yamljson.Path, format string, args ...any) {
		v, _ := f.doc.Get(path)
		problems = append(problems, f.errorAt(yamljson.Pos{Line: v.Line, Column: v.Column, Path: path}, fmt.Sprintf(format, args...)))
	}
	ids := make([]string, 0, len(cfg.Rules)+len(cfg.Events))
	for _, r := range cfg.Rules {
		ids = append(ids, r.ID)
	}
	for _, r := range cfg.Events {
		ids = append(ids, r.ID)
	}
	signWords := []string{"positive", "negative", "any"}
	sign := func(path yamljson.Path, word string) backtest.Sign {
		s, ok := signs[word]
		if !ok {
			at(path, "%q is not a sign: positive, negative or any%s", word, suggest.Hint(word, signWords, true))
		}
		return s
	}
	if len(cf.Expect) > 0 {
		opts.Expect = make(map[string]backtest.Expectation, len(cf.Expect))
	}
	for _, id := range text.SortedKeys(cf.Expect) {
		x := cf.Expect[id]
		if !slices.Contains(ids, id) {
			at(yamljson.Path{"expect", id}, "no rule %q in the rule set%s", id, suggest.Hint(id, ids, true))
			continue
		}
		if x.Sign == "" {
			at(yamljson.Path{"expect", id}, "say the sign the rule's points must keep: sign: positive, negative or any")
			continue
		}
		opts.Expect[id] = backtest.Expectation{Sign: sign(yamljson.Path{"expect", id, "sign"}, x.Sign), Why: x.Why}
	}
	attrIDs := make([]string, 0, len(cfg.Rules))
	for _, r := range cfg.Rules {
		attrIDs = append(attrIDs, r.ID)
	}
	for _, name := range text.SortedKeys(cf.Columns) {
		for i, id := range cf.Columns[name] {
			if !slices.Contains(attrIDs, id) {
				at(yamljson.Path{"columns", name, i}, "no attribute rule %q in the rule set%s", id, suggest.Hint(id, attrIDs, true))
			}
		}
	}
	seen := map[string]bool{}
	for i, b := range cf.Bin {
		path := yamljson.Path{"bin", i}
		switch {
		case b.ID == "":
			at(path, "a binned input needs an id: its rules are named id ≥ threshold")
		case seen[b.ID] || slices.Contains(ids, b.ID):
			at(append(path, "id"), "id %q is taken: by a rule of the set or an earlier input", b.ID)
		}
		seen[b.ID] = true
		if b.Value == "" {
			at(path, "a binned input needs a value: a numeric expression over the lead, as a value rule's")
		} else if err := compileValue(e, cfg, b.Value); err != nil {
			at(append(path, "value"), "%s", err)
		}
		if b.Bins < 0 || b.Bins == 1 {
			at(append(path, "bins"), "bins %d: at least 2 (one threshold), or 0 for the default, 5", b.Bins)
		}
		bn := backtest.Binned{ID: b.ID, Value: b.Value, Bins: b.Bins, Reason: b.Reason, Dimension: leadscore.Dimension(b.Dimension), Free: b.Free}
		if b.Sign != "" {
			bn.Sign = sign(append(path, "sign"), b.Sign)
			if b.Free && bn.Sign != backtest.AnySign {
				at(append(path, "free"), "a free shape keeps no direction: give free or a sign, not both")
			}
		}
		if d := b.Dimension; d != "" && d != string(leadscore.Fit) && d != string(leadscore.Engagement) && d != string(leadscore.Relationship) {
			at(append(path, "dimension"), "unknown dimension %q: fit, engagement or relationship%s", d,
				suggest.Hint(d, []string{"fit", "engagement", "relationship"}, true))
		}
		opts.Bin = append(opts.Bin, bn)
	}
	if cf.Penalty != "" {
		p, err := backtest.ParsePenalty(cf.Penalty)
		if err != nil {
			at(yamljson.Path{"penalty"}, "%q is not a penalty: standardised or raw%s", cf.Penalty,
				suggest.Hint(cf.Penalty, []string{"standardised", "raw"}, true))
		}
		opts.Penalty = p
	}
	// The numbers, as Calibrate checks them (0 is its default), where they are written.
	for _, c := range []struct {
		key  string
		v    float64
		want string
		ok   bool
	}{
		{"shrink_below", cf.ShrinkBelow, "0 or more (standard errors)", cf.ShrinkBelow >= 0},
		{"lambda", cf.Lambda, "more than 0 (0: the default, 1)", cf.Lambda >= 0},
		{"pair_lambda", cf.PairLambda, "more than 0 (0: lambda's)", cf.PairLambda >= 0},
		{"points_to_double", cf.PointsToDouble, "more than 0 (0: the default, 20)", cf.PointsToDouble >= 0},
		{"step", cf.Step, "a millionth of a point or more (0: the default, 1)", cf.Step == 0 || cf.Step >= 1e-6},
		{"base_odds", cf.BaseOdds, "0 (no base rule) or more", cf.BaseOdds >= 0},
		{"interactions", float64(cf.Interactions), "the most pairs of rules to add, 0 or more", cf.Interactions >= 0},
		{"input_pairs", float64(cf.InputPairs), "the most pairs of inputs to cross, 0 or more", cf.InputPairs >= 0},
		{"pair_bins", float64(cf.PairBins), "2 or more (0: the default, 4)", cf.PairBins == 0 || cf.PairBins >= 2},
	} {
		if !c.ok {
			at(yamljson.Path{c.key}, "%s %v: want %s", c.key, c.v, c.want)
		}
	}
	if len(problems) > 0 {
		return opts, problems
	}
	opts.ShrinkBelow, opts.Interactions, opts.Lambda, opts.PairLambda = cf.ShrinkBelow, cf.Interactions, cf.Lambda, cf.PairLambda
	opts.InputPairs, opts.PairBins, opts.Columns = cf.InputPairs, cf.PairBins, cf.Columns
	opts.PointsToDouble, opts.BaseScore, opts.BaseOdds, opts.Step = cf.PointsToDouble, cf.BaseScore, cf.BaseOdds, cf.Step
	// What Calibrate would refuse of the options as a whole (a rule in two columns), placed
	// at the element it is about.
	if err := opts.Check(cfg); err != nil {
		var oe *backtest.OptionError
		if !errors.As(err, &oe) {
			return opts, &fileError{File: name, Msg: err.Error()}
		}
		path := yamljson.Path{"bin", oe.Index}
		if oe.Option == "Columns" {
			path = yamljson.Path{"columns", oe.Key}
			if oe.Index >= 0 {
				path = append(path, oe.Index)
			}
		}
		at(path, "%v", oe.Err)
		return opts, problems
	}
	return opts, nil
}

// compileValue compiles a binned input's value as the one value rule of the rule set cfg
// (its lists, lead fields and event rules kept), as Calibrate will before it cuts it into
// thresholds, for its mistakes to be placed in the file: a misspelt field, a value that
// is not a number.
func compileValue(e *env, cfg leadscore.Config, value string) error {
	probe := cfg
	probe.Rules = []leadscore.Rule{{ID: "bin", Dimension: leadscore.Fit, Value: value}}
	_, err := leadscore.Compile[leadscore.Lead](probe, e.scorer...)
	if re := (*leadscore.RuleError)(nil); errors.As(err, &re) {
		return re.Err // its position in the expression, and the expression marked, are in it
	}
	return err
}
