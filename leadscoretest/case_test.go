package leadscoretest_test

import (
	"testing"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/leadscoretest"
)

func TestReplay(t *testing.T) {
	s := compile(t, rules())
	tr, err := leadscoretest.Replay(s, vp())
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Steps) != 2 {
		t.Fatalf("%d steps, want one per event", len(tr.Steps))
	}
	if got := tr.Result.At; !got.Equal(day(2)) {
		t.Errorf("evaluated at %v, want the case's At", got)
	}
	if tr.State.Stage() != leadscore.StageConvert || tr.Result.Stage != leadscore.StageConvert {
		t.Errorf("stage %q (state %q), want convert", tr.Result.Stage, tr.State.Stage())
	}
	var stages []leadscore.Stage
	for _, x := range tr.Transitions {
		if x.Kind == leadscore.TransitionStage {
			stages = append(stages, x.To)
		}
	}
	want := []leadscore.Stage{leadscore.StageCapture, leadscore.StageNurture, leadscore.StageConvert}
	if len(stages) != len(want) {
		t.Fatalf("stage transitions %v, want %v", stages, want)
	}
	for i := range want {
		if stages[i] != want[i] {
			t.Fatalf("stage transitions %v, want %v", stages, want)
		}
	}
	// Steps keep their own slices: a later step does not overwrite an earlier one.
	if len(tr.Steps[0].Contributions) == len(tr.Steps[1].Contributions) {
		t.Errorf("step 1 has %d contributions, step 2 %d: the demo should add one", len(tr.Steps[0].Contributions), len(tr.Steps[1].Contributions))
	}
}

// Replay is analysis.Replay on the case's lead, events and At: analysis/replay_test.go tests
// the replay itself (the time it evaluates at, Advance to At, errors, rule errors).

// Population gives analysis the cases' leads, events and times, and stops when asked to.
func TestPopulation(t *testing.T) {
	cases := []leadscoretest.Case[leadscore.Lead]{vp(), rival()}
	var names []string
	for lead := range leadscoretest.Population(cases) {
		names = append(names, lead.Name)
		c := cases[len(names)-1]
		if lead.Lead.Email != c.Lead.Email || len(lead.Events) != len(c.Events) || !lead.At.Equal(c.At) {
			t.Errorf("lead %+v of case %+v", lead, c)
		}
		break
	}
	if len(names) != 1 || names[0] != "vp asks for a demo" {
		t.Errorf("yielded %q", names)
	}
}
