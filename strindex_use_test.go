package leadscore

import "testing"

// The presets' stages and event types each get a slot of their own in the Scorer's indexes,
// so that Observe's lookups of them never reach the map that strindex keeps for keys sharing
// a slot: a preset whose new name crowds the table fails here rather than as a slower Observe.
func TestPresetIndexesUncrowded(t *testing.T) {
	for name, cfg := range map[string]Config{"defaults": {}, "b2b": DefaultB2B(), "b2c": DefaultB2C()} {
		s, err := Compile[Lead](cfg)
		if err != nil {
			t.Fatal(err)
		}
		if n := s.journey.index.Crowded(); n != 0 {
			t.Errorf("%s: %d of %d stages share a slot", name, n, len(s.journey.stages))
		}
		if n := s.routeOf.Crowded(); n != 0 {
			t.Errorf("%s: %d of %d event types share a slot", name, n, len(s.routes)-1)
		}
		for i, st := range s.journey.stages {
			if got := s.journey.lookup(st.name); got != i {
				t.Errorf("%s: stage %q at %d, looked up at %d", name, st.name, i, got)
			}
		}
	}
}
