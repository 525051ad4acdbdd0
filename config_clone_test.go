package leadscore

import (
	"reflect"
	"testing"
)

// poison overwrites every string, number and bool reachable from v through maps, slices and
// pointers: if any of them is shared with a Scorer, the Scorer sees the change.
func poison(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			poison(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				poison(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			poison(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			poison(e)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		v.SetString("poisoned")
	case reflect.Float64:
		v.SetFloat(-12345)
	case reflect.Int, reflect.Int64:
		v.SetInt(-12345)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	}
}

// A compiled Scorer is immutable: neither the Config it was compiled from nor what Config()
// and Journey() return shares memory with it.
func TestScorerConfigIsNotAliased(t *testing.T) {
	for name, base := range map[string]func() Config{"b2b": DefaultB2B, "b2c": DefaultB2C} {
		cfg := base()
		cfg.Journey = DefaultJourney()
		cfg.Journey.Stages[3].SLAMetBy = []string{EventSalesTouch}
		cfg.Events[0].RenamedFrom = []string{"older"}
		s := compileT(t, cfg)
		want := base()
		want.Journey = DefaultJourney()
		want.Journey.Stages[3].SLAMetBy = []string{EventSalesTouch}
		want.Events[0].RenamedFrom = []string{"older"}

		poison(reflect.ValueOf(&cfg)) // the caller's copy
		got := s.Config()
		poison(reflect.ValueOf(&got)) // what Config() handed out
		j := s.Journey()
		poison(reflect.ValueOf(&j))
		if !reflect.DeepEqual(s.Config(), want) {
			t.Errorf("%s: the Scorer's Config changed through an alias", name)
		}
		if !reflect.DeepEqual(s.Journey(), want.Journey) {
			t.Errorf("%s: the Scorer's Journey changed through an alias", name)
		}
	}
}
