package leadscore

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/leadscore/leadscore/internal/suggest"
)

// Where a config's problem is. encoding/json reports an unknown key or a wrongly typed value
// without saying where (it goes on decoding, and reports the first such problem when it has
// read everything), and an UnmarshalJSON error (a bad duration) at the end of the text. So
// when decoding fails for a reason other than syntax, ParseConfig walks the text again beside
// the Config type, key by key, and reports the first problem in document order: the key, or
// the value, that fails, with the item of the rule set it is in.

// configProblem is the first problem found in a config's text.
type configProblem struct {
	offset    int // of the key, or of the value, in the text
	kind      ItemKind
	id, field string
	err       error
}

// locateConfigProblem walks data, syntactically valid JSON, as it decodes into a Config; nil
// when it finds no problem.
func locateConfigProblem(data []byte) *configProblem { return walkConfig(data, false) }

// walkConfig walks data as a Config, for the first problem of any kind or (keysOnly) for a
// duplicate key only.
func walkConfig(data []byte, keysOnly bool) *configProblem {
	w := configWalker{keysOnly: keysOnly}
	start := skipSeparators(data, 0)
	end := len(bytes.TrimRight(data, " \t\r\n"))
	if start >= end {
		return nil
	}
	w.value(data[start:end], start, reflect.TypeFor[Config](), configPlace{})
	return w.found
}

// configPlace is where a value is: in which item, at which key path inside it (or from the
// top, outside any item).
type configPlace struct {
	kind  ItemKind
	id    string
	field string
	key   string // the last key on the way, which names an array's items ("events[2]")
}

func (p configPlace) child(key string) configPlace {
	if p.field != "" {
		p.field += "."
	}
	p.field += key
	p.key = key
	return p
}

func (p configPlace) index(i int) configPlace {
	p.field += fmt.Sprintf("[%d]", i)
	return p
}

// configItems are the kinds of the rule set's items, by the Go type of an array element, as
// Compile's RuleErrors name them, and the key that identifies one.
var configItems = map[reflect.Type]struct {
	kind  ItemKind
	idKey string
}{
	reflect.TypeFor[Rule]():             {"rule", "id"},
	reflect.TypeFor[EventRule]():        {"event rule", "id"},
	reflect.TypeFor[Tier]():             {"tier", "name"},
	reflect.TypeFor[Grade]():            {"grade", "name"},
	reflect.TypeFor[SignalConfig]():     {"signal", "kind"},
	reflect.TypeFor[Persona]():          {"persona", "id"},
	reflect.TypeFor[StageConfig]():      {"stage", "name"},
	reflect.TypeFor[TransitionConfig](): {"transition", ""}, // named from→to
	reflect.TypeFor[AccountRule]():      {"account rule", "id"},
	reflect.TypeFor[Role]():             {"role", "id"},
	reflect.TypeFor[AccountTier]():      {"account tier", "name"},
}

type configWalker struct {
	found *configProblem
	// keysOnly: look for duplicate keys only (duplicateConfigKey), once the config decoded;
	// a config that does not decode is reported by its first problem of another kind.
	keysOnly bool
}

// duplicateConfigKey walks data, a config that decoded, for a key given twice in one object:
// encoding/json keeps the last silently — also of keys that differ only in case ("points"
// and "Points", or "pointſ" with U+017F) — so a rule set read by another tool, or by a
// reviewer, would say something else than the one scored. nil when every key is given once.
func duplicateConfigKey(data []byte) *configProblem { return walkConfig(data, true) }

// duplicateKey is the error of a key that sets what an earlier key of its object did.
func duplicateKey(at configPlace, key, earlier string) error {
	err := fmt.Errorf("duplicate key %q: %q before it sets the same value, and only the last would count", key, earlier)
	if key == earlier {
		err = fmt.Errorf("duplicate key %q: only the last would count", key)
	}
	if at.field != "" {
		err = fmt.Errorf("%s: %w", at.field, err)
	}
	return err
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func (w *configWalker) fail(offset int, at configPlace, err error) {
	if w.found == nil {
		w.found = &configProblem{offset: offset, kind: at.kind, id: at.id, field: at.field, err: err}
	}
}

// value walks raw, a JSON value at offset off, as it decodes into a value of type t.
func (w *configWalker) value(raw []byte, off int, t reflect.Type, at configPlace) {
	if w.found != nil || len(raw) == 0 || string(raw) == "null" {
		return // null decodes into anything, as nothing
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	pt := reflect.PointerTo(t)
	custom := pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler)
	switch {
	case !custom && t.Kind() == reflect.Struct && raw[0] == '{':
		w.object(raw, off, at, t)
	case !custom && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && raw[0] == '[':
		w.array(raw, off, at, t)
	case !custom && t.Kind() == reflect.Map && raw[0] == '{':
		w.mapValues(raw, off, at, t)
	case w.keysOnly:
		return
	default:
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			w.fail(off, at, valueError(raw, t, at, err))
		}
	}
}

func (w *configWalker) object(raw []byte, off int, at configPlace, t reflect.Type) {
	fields := jsonFields(t)
	seen := map[string]string{} // field name → the key that set it
	eachMember(raw, off, func(key string, keyOff int, val []byte, valOff int) bool {
		f, ok := fieldByJSONName(fields, key)
		if earlier, dup := seen[f.name]; ok && dup && w.keysOnly {
			w.fail(keyOff, at.child(f.name), duplicateKey(at.child(f.name), key, earlier))
			return false
		}
		seen[f.name] = key
		if !ok {
			names := make([]string, len(fields))
			for i, f := range fields {
				names[i] = f.name
			}
			err := errors.New(suggest.UnknownField(key, names))
			if at.field != "" {
				err = fmt.Errorf("%s: %w", at.field, err)
			}
			w.fail(keyOff, at, err)
			return false
		}
		w.value(val, valOff, f.typ, at.child(f.name))
		return w.found == nil
	})
}

func (w *configWalker) array(raw []byte, off int, at configPlace, t reflect.Type) {
	elem := t.Elem()
	for elem.Kind() == reflect.Pointer {
		elem = elem.Elem()
	}
	item, isItem := configItems[elem]
	i := 0
	eachElement(raw, off, func(val []byte, valOff int) bool {
		place := at.index(i)
		if isItem && at.kind == "" {
			place = configPlace{kind: item.kind, id: itemID(val, elem, item.idKey, fmt.Sprintf("%s[%d]", at.key, i))}
		}
		w.value(val, valOff, elem, place)
		i++
		return w.found == nil
	})
}

func (w *configWalker) mapValues(raw []byte, off int, at configPlace, t reflect.Type) {
	elem := t.Elem()
	seen := map[string]bool{}
	eachMember(raw, off, func(key string, keyOff int, val []byte, valOff int) bool {
		place := at.child(key)
		switch {
		case at.kind == "" && elem == reflect.TypeFor[DimensionConfig]():
			place = configPlace{kind: "dimension", id: key}
		case at.kind == "" && at.field == "lists":
			place = configPlace{kind: "list", id: key}
		}
		if seen[key] && w.keysOnly {
			w.fail(keyOff, place, duplicateKey(place, key, key))
			return false
		}
		seen[key] = true
		w.value(val, valOff, elem, place)
		return w.found == nil
	})
}

// itemID names an array's item, raw of type t, as Compile does: by its identifying key, else
// (a transition) as from→to, else by its position. The key's value is the one encoding/json
// decodes: each member goes to the field its key names (fieldByJSONName), in order, so of
// several members for one field — "ID" and "Id" for "id", or "id" and "ID" — the last wins,
// and a null changes nothing.
func itemID(raw []byte, t reflect.Type, idKey, position string) string {
	fields := jsonFields(t)
	str := func(key string) string {
		var s string
		eachMember(raw, 0, func(k string, _ int, val []byte, _ int) bool {
			if f, ok := fieldByJSONName(fields, k); ok && f.name == key {
				_ = json.Unmarshal(val, &s) // a value that is no string is a problem of its own, reported later
			}
			return true
		})
		return s
	}
	if idKey == "" {
		from, to := str("from"), str("to")
		if from != "" && to != "" {
			return from + "→" + to
		}
		return position
	}
	if id := str(idKey); id != "" {
		return shortName(id)
	}
	return position
}

// valueError says why raw does not decode into a t, naming the field.
func valueError(raw []byte, t reflect.Type, at configPlace, err error) error {
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ) && jsonKind(raw) == "number" && (t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32):
		err = fmt.Errorf("JSON number %s is out of range", excerpt(raw))
	case typ != nil:
		err = fmt.Errorf("cannot use JSON %s %s as %s", jsonKind(raw), excerpt(raw), describeType(t))
	default:
		err = stripJSONPrefix(err)
	}
	if at.field != "" {
		return fmt.Errorf("%s: %w", at.field, err)
	}
	return err
}

func jsonKind(raw []byte) string {
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	}
	return "number"
}

// excerpt quotes at most 40 bytes of a JSON value for a message.
func excerpt(raw []byte) string {
	if len(raw) <= 40 {
		return string(raw)
	}
	cut := 37
	for cut > 0 && !utf8.RuneStart(raw[cut]) {
		cut--
	}
	return string(raw[:cut]) + "…"
}

// describeType says what a config value of type t is, for a reader of JSON.
func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return describeType(t.Elem())
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer ≥ 0"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.String {
			return "a list of strings"
		}
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields lists the keys encoding/json decodes into a struct type: each exported field by
// its json tag's name, else its Go name.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name, f.Type})
	}
	return out
}

// fieldByJSONName matches a key as encoding/json does: exactly, else without regard to case.
func fieldByJSONName(fields []jsonField, key string) (jsonField, bool) {
	for _, f := range fields {
		if f.name == key {
			return f, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return jsonField{}, false
}

// eachMember calls fn for each member of the JSON object raw (at offset off in the text) with
// its key, the key's offset (its opening quote), its value and the value's offset, until fn
// returns false.
func eachMember(raw []byte, off int, fn func(key string, keyOff int, val []byte, valOff int) bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return
	}
	for dec.More() {
		keyOff := skipSeparators(raw, int(dec.InputOffset()))
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return
		}
		valOff := skipSeparators(raw, int(dec.InputOffset()))
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return
		}
		if !fn(key, off+keyOff, val, off+valOff) {
			return
		}
	}
}

// eachElement calls fn for each element of the JSON array raw with its offset, until fn
// returns false.
func eachElement(raw []byte, off int, fn func(val []byte, valOff int) bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return
	}
	for dec.More() {
		valOff := skipSeparators(raw, int(dec.InputOffset()))
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return
		}
		if !fn(val, off+valOff) {
			return
		}
	}
}

// skipSeparators returns the offset of the first byte at or after i that is not white space,
// a comma or a colon: where the next JSON token starts.
func skipSeparators(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n', ',', ':':
			i++
		default:
			return i
		}
	}
	return i
}
