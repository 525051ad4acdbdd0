package leadscore

import (
	"maps"
	"slices"
)

// Clone returns a deep copy of c: no map, slice or pointer of the copy is shared with c. A
// Scorer keeps a clone of the Config it was compiled from and hands out clones, so that
// nothing a caller does to a Config changes a compiled Scorer.
func (c Config) Clone() Config {
	out := c
	out.Lists = cloneStringLists(c.Lists)
	out.Pages = cloneStringLists(c.Pages)
	out.LeadFields = maps.Clone(c.LeadFields)
	if c.Dimensions != nil {
		out.Dimensions = make(map[Dimension]DimensionConfig, len(c.Dimensions))
		for k, v := range c.Dimensions {
			out.Dimensions[k] = DimensionConfig{Weight: cloneFloat(v.Weight), Min: cloneFloat(v.Min), Max: cloneFloat(v.Max)}
		}
	}
	out.Rules = slices.Clone(c.Rules)
	out.Events = slices.Clone(c.Events)
	for i := range out.Events {
		out.Events[i].On = slices.Clone(c.Events[i].On)
		out.Events[i].RenamedFrom = slices.Clone(c.Events[i].RenamedFrom)
	}
	out.Tiers = slices.Clone(c.Tiers)
	for i := range out.Tiers {
		out.Tiers[i].Min = cloneFloat(c.Tiers[i].Min)
	}
	out.Grades = slices.Clone(c.Grades)
	for i := range out.Grades {
		out.Grades[i].Min = cloneFloat(c.Grades[i].Min)
	}
	out.EventTypes = slices.Clone(c.EventTypes)
	out.Signals = slices.Clone(c.Signals)
	for i := range out.Signals {
		out.Signals[i].RenamedFrom = slices.Clone(c.Signals[i].RenamedFrom)
	}
	out.Personas = slices.Clone(c.Personas)
	for i := range out.Personas {
		out.Personas[i].Tracks = slices.Clone(c.Personas[i].Tracks)
	}
	out.Journey = c.Journey.Clone()
	out.Accounts = c.Accounts.clone()
	return out
}

// Clone returns a deep copy of j.
func (j Journey) Clone() Journey {
	out := Journey{Stages: slices.Clone(j.Stages), Transitions: slices.Clone(j.Transitions)}
	for i := range out.Stages {
		out.Stages[i].SLAMetBy = slices.Clone(j.Stages[i].SLAMetBy)
	}
	for i := range out.Transitions {
		out.Transitions[i].On = slices.Clone(j.Transitions[i].On)
	}
	return out
}

func cloneStringLists(m map[string][]string) map[string][]string {
	if m == nil {
		return nil
	}
	out := maps.Clone(m)
	for k, v := range out {
		out[k] = slices.Clone(v)
	}
	return out
}

func cloneFloat(p *float64) *float64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
