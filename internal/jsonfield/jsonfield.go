// Package jsonfield tells which object keys encoding/json decodes into a struct type, and into
// which fields: the rules of encoding/json (json tags, "-", promoted fields of embedded
// structs, the shallowest field winning and a tie at one depth hiding the name), written once
// for the readers that look at JSON, or at YAML bound for JSON, before encoding/json does —
// the YAML reader that reports every unknown key with its position, the case decoder that
// names a wrongly typed value by its keys, the command line that finds a lead's ID.
//
// Contract: Fields and Lookup agree with encoding/json's Unmarshal for every struct type,
// matching keys as it does (exactly, else case-insensitively); they never panic.
package jsonfield

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Field is an object key that a struct type decodes, and the field that takes it.
type Field struct {
	Name   string       // the key: the json tag's name, else the Go field name
	Index  []int        // for reflect.Value.FieldByIndex
	Type   reflect.Type // the field's type
	Quoted bool         // the tag's ",string" option: a number or boolean written in a JSON string
	tagged bool
}

var cache sync.Map // reflect.Type → []Field

// Fields lists the keys a value of type t decodes from, in field order, when t is a struct or
// a pointer to one; nil otherwise.
func Fields(t reflect.Type) []Field {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	if f, ok := cache.Load(t); ok {
		return f.([]Field)
	}
	f, _ := cache.LoadOrStore(t, typeFields(t))
	return f.([]Field)
}

// Lookup finds the field that the key name decodes into, as encoding/json does: the field of
// that name, else one whose name equals it ignoring case.
func Lookup(t reflect.Type, name string) (Field, bool) {
	fields := Fields(t)
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Field{}, false
}

// typeFields follows encoding/json's typeFields: a breadth-first walk of the embedded structs,
// then the dominant field of each name.
func typeFields(t reflect.Type) []Field {
	type level struct {
		typ   reflect.Type
		index []int
	}
	var fields []Field
	current, next := []level{}, []level{{typ: t}}
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		current, next = next, current[:0]
		for _, lv := range current {
			if visited[lv.typ] {
				continue
			}
			visited[lv.typ] = true
			for i := range lv.typ.NumField() {
				sf := lv.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTag(name) {
					name = ""
				}
				index := append(slices.Clip(lv.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					f := Field{Name: name, Index: index, Type: sf.Type, tagged: name != ""}
					if f.Name == "" {
						f.Name = sf.Name
					}
					if slices.Contains(strings.Split(opts, ","), "string") {
						switch ft.Kind() {
						case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
							reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
							reflect.Float32, reflect.Float64, reflect.String:
							f.Quoted = true
						}
					}
					fields = append(fields, f)
					continue
				}
				next = append(next, level{typ: ft, index: index})
			}
		}
	}
	// The dominant field of each name: the shallowest; of several as shallow, the only
	// tagged one; else none.
	byName := map[string][]Field{}
	for _, f := range fields {
		byName[f.Name] = append(byName[f.Name], f)
	}
	out := fields[:0:0]
	for _, f := range fields {
		group := byName[f.Name]
		if group == nil {
			continue // decided
		}
		byName[f.Name] = nil
		if d, ok := dominant(group); ok {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b Field) int { return slices.Compare(a.Index, b.Index) })
	return out
}

func dominant(group []Field) (Field, bool) {
	depth := len(group[0].Index)
	for _, f := range group {
		depth = min(depth, len(f.Index))
	}
	var best []Field
	for _, f := range group {
		if len(f.Index) == depth {
			best = append(best, f)
		}
	}
	if len(best) == 1 {
		return best[0], true
	}
	var tagged []Field
	for _, f := range best {
		if f.tagged {
			tagged = append(tagged, f)
		}
	}
	if len(tagged) == 1 {
		return tagged[0], true
	}
	return Field{}, false
}

// validTag reports whether name may be a json tag's key, as encoding/json's isValidTag.
func validTag(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
