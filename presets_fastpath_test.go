package leadscore

import "testing"

// Every expression of the presets runs on the fast path (known() of numbers, strings and times keeps it).
func TestPresetsOnFastPath(t *testing.T) {
	for name, cfg := range map[string]Config{"b2b": DefaultB2B(), "b2c": DefaultB2C()} {
		s := compileT(t, cfg)
		for _, p := range s.programs {
			if p.fastBool == nil && p.fastNum == nil && p.fastStr == nil {
				t.Errorf("%s: %s %s %s %q is on the VM", name, p.kind, p.id, p.field, p.src)
			}
		}
	}
}
