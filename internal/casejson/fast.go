package casejson

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/leadscore/leadscore"
)

// decodeCaseFast decodes a case of the standard lead written the plain way — keys as the json
// tags spell them, each once; strings without escapes; numbers of the field's kind; no
// "expect", no "account" or "members" — without reflection. Anything else it leaves to encoding/json (ok false): the
// input may still be valid, and if it is not, encoding/json's error is the one to report.
// FuzzDecodeCaseFast holds it to encoding/json: whatever it accepts decodes to the same case.
//
// It exists for `leadscore score`, which decodes a case per lead: reflection over Lead's
// thirty fields was a quarter of its time.
func decodeCaseFast(data []byte) (c Case[Lead], ok bool) {
	p := fastParser{data: data}
	p.ws()
	ok = p.object(func(key string) bool {
		switch key {
		case "name":
			return p.str(&c.Name)
		case "lead":
			return p.lead(&c.Lead)
		case "events":
			return p.events(&c.Events)
		case "at":
			return p.time(&c.At)
		case "converted":
			return p.optionalBool(&c.Converted)
		}
		return false // "expect", "account", "members", a key spelled otherwise, an unknown one: encoding/json decides
	})
	p.ws()
	return c, ok && p.i == len(p.data)
}

// fastParser reads JSON from data at i. Each method returns false, leaving the rest to
// encoding/json, on anything it does not take.
type fastParser struct {
	data  []byte
	i     int
	depth int
}

// maxFastDepth bounds the nesting the fast path follows in properties and traits; deeper
// values go to encoding/json, which has a limit of its own.
const maxFastDepth = 32

func (p *fastParser) ws() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// object reads {"key": value, …}, calling field for each key with p at its value; a key seen
// twice is left to encoding/json (which merges or overwrites by type).
func (p *fastParser) object(field func(key string) bool) bool {
	if p.i >= len(p.data) || p.data[p.i] != '{' {
		return false
	}
	p.i++
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return true
	}
	var seen []string
	for {
		var key string
		if !p.str(&key) {
			return false
		}
		for _, k := range seen {
			if k == key {
				return false
			}
		}
		seen = append(seen, key)
		p.ws()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return false
		}
		p.i++
		p.ws()
		if !field(key) {
			return false
		}
		p.ws()
		if p.i >= len(p.data) {
			return false
		}
		switch p.data[p.i] {
		case ',':
			p.i++
			p.ws()
		case '}':
			p.i++
			return true
		default:
			return false
		}
	}
}

// array reads [value, …], calling elem with p at each value.
func (p *fastParser) array(elem func() bool) bool {
	if p.i >= len(p.data) || p.data[p.i] != '[' {
		return false
	}
	p.i++
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return true
	}
	for {
		if !elem() {
			return false
		}
		p.ws()
		if p.i >= len(p.data) {
			return false
		}
		switch p.data[p.i] {
		case ',':
			p.i++
			p.ws()
		case ']':
			p.i++
			return true
		default:
			return false
		}
	}
}

// str reads a string without escapes or control characters, in valid UTF-8.
func (p *fastParser) str(dst *string) bool {
	if p.i >= len(p.data) || p.data[p.i] != '"' {
		return false
	}
	start := p.i + 1
	ascii := true
	for j := start; j < len(p.data); j++ {
		switch c := p.data[j]; {
		case c == '"':
			s := p.data[start:j]
			if !ascii && !utf8.Valid(s) {
				return false // encoding/json writes U+FFFD for invalid bytes
			}
			*dst = string(s)
			p.i = j + 1
			return true
		case c == '\\' || c < 0x20:
			return false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return false
}

// number returns the literal of a JSON number at p.
func (p *fastParser) number() (string, bool) {
	d, start, j := p.data, p.i, p.i
	digits := func() bool {
		k := j
		for j < len(d) && '0' <= d[j] && d[j] <= '9' {
			j++
		}
		return j > k
	}
	if j < len(d) && d[j] == '-' {
		j++
	}
	switch {
	case j < len(d) && d[j] == '0':
		j++
	case j < len(d) && '1' <= d[j] && d[j] <= '9':
		digits()
	default:
		return "", false
	}
	if j < len(d) && d[j] == '.' {
		j++
		if !digits() {
			return "", false
		}
	}
	if j < len(d) && (d[j] == 'e' || d[j] == 'E') {
		j++
		if j < len(d) && (d[j] == '+' || d[j] == '-') {
			j++
		}
		if !digits() {
			return "", false
		}
	}
	p.i = j
	return string(d[start:j]), true
}

// int reads a number into an int as encoding/json does: a whole literal in range.
func (p *fastParser) int(dst *int) bool {
	lit, ok := p.number()
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(lit, 10, strconv.IntSize)
	if err != nil {
		return false
	}
	*dst = int(n)
	return true
}

func (p *fastParser) float(dst *float64) bool {
	lit, ok := p.number()
	if !ok {
		return false
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return false
	}
	*dst = f
	return true
}

func (p *fastParser) bool(dst *bool) bool {
	switch {
	case p.literal("true"):
		*dst = true
	case p.literal("false"):
		*dst = false
	default:
		return false
	}
	return true
}

// optionalBool reads a *bool as encoding/json does: null leaves it nil, true or false
// points it at the value.
func (p *fastParser) optionalBool(dst **bool) bool {
	if p.literal("null") {
		*dst = nil
		return true
	}
	var b bool
	if !p.bool(&b) {
		return false
	}
	*dst = &b
	return true
}

func (p *fastParser) literal(word string) bool {
	if len(p.data)-p.i >= len(word) && string(p.data[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return true
	}
	return false
}

// time reads a Time as Time.UnmarshalJSON does: null, an RFC 3339 time or a date.
func (p *fastParser) time(dst *Time) bool {
	if p.literal("null") {
		return true
	}
	var s string
	if !p.str(&s) {
		return false
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if v, err := time.Parse(layout, s); err == nil {
			dst.Time = v
			return true
		}
	}
	return false // encoding/json reports the time error, with its position
}

// value reads any JSON value as encoding/json decodes it into an any.
func (p *fastParser) value(dst *any) bool {
	if p.i >= len(p.data) {
		return false
	}
	switch c := p.data[p.i]; {
	case c == '"':
		var s string
		if !p.str(&s) {
			return false
		}
		*dst = s
	case c == '{':
		if p.depth++; p.depth > maxFastDepth {
			return false
		}
		m := map[string]any{}
		ok := p.object(func(key string) bool {
			var v any
			if !p.value(&v) {
				return false
			}
			m[key] = v
			return true
		})
		p.depth--
		if !ok {
			return false
		}
		*dst = m
	case c == '[':
		if p.depth++; p.depth > maxFastDepth {
			return false
		}
		a := []any{}
		ok := p.array(func() bool {
			var v any
			if !p.value(&v) {
				return false
			}
			a = append(a, v)
			return true
		})
		p.depth--
		if !ok {
			return false
		}
		*dst = a
	case c == 't' || c == 'f':
		var b bool
		if !p.bool(&b) {
			return false
		}
		*dst = b
	case c == 'n':
		if !p.literal("null") {
			return false
		}
		*dst = nil
	default:
		var f float64
		if !p.float(&f) {
			return false
		}
		*dst = f
	}
	return true
}

// properties reads an object into a map[string]any; null is left to encoding/json.
func (p *fastParser) properties(dst *map[string]any) bool {
	var v any
	if p.i >= len(p.data) || p.data[p.i] != '{' || !p.value(&v) {
		return false
	}
	*dst = v.(map[string]any)
	return true
}

func (p *fastParser) events(dst *[]Event) bool {
	evs := []Event{}
	ok := p.array(func() bool {
		var e Event
		ok := p.object(func(key string) bool {
			switch key {
			case "id":
				return p.str(&e.ID)
			case "type":
				return p.str(&e.Type)
			case "time":
				return p.time(&e.Time)
			case "channel":
				return p.str(&e.Channel)
			case "path":
				return p.str(&e.Path)
			case "value":
				return p.float(&e.Value)
			case "category":
				return p.str(&e.Category)
			case "properties":
				return p.properties(&e.Properties)
			}
			return false
		})
		evs = append(evs, e)
		return ok
	})
	*dst = evs
	return ok
}

func (p *fastParser) lead(l *Lead) bool {
	return p.object(func(key string) bool {
		switch key {
		case "id":
			return p.str(&l.ID)
		case "email":
			return p.str(&l.Email)
		case "name":
			return p.str(&l.Name)
		case "title":
			return p.str(&l.Title)
		case "phone":
			return p.str(&l.Phone)
		case "country":
			return p.str(&l.Country)
		case "postal_code":
			return p.str(&l.PostalCode)
		case "source":
			return p.str(&l.Source)
		case "company":
			return p.company(&l.Company)
		case "age":
			return p.int(&l.Age)
		case "children":
			return p.int(&l.Children)
		case "gender":
			return p.str(&l.Gender)
		case "occupation":
			return p.str(&l.Occupation)
		case "marital_status":
			return p.str(&l.MaritalStatus)
		case "income":
			return p.float(&l.Income)
		case "home_size":
			return p.float(&l.HomeSize)
		case "subscriptions":
			return p.int(&l.Subscriptions)
		case "memberships":
			return p.int(&l.Memberships)
		case "customer_since":
			return p.time(&l.CustomerSince)
		case "purchases":
			return p.int(&l.Purchases)
		case "avg_order_value":
			return p.float(&l.AvgOrderValue)
		case "margin":
			return p.float(&l.Margin)
		case "service_effort":
			return p.int(&l.ServiceEffort)
		case "followers":
			return p.int(&l.Followers)
		case "bant":
			return p.bant(&l.BANT)
		case "traits":
			return p.properties(&l.Traits)
		}
		return false
	})
}

func (p *fastParser) company(c *leadscore.Company) bool {
	return p.object(func(key string) bool {
		switch key {
		case "name":
			return p.str(&c.Name)
		case "domain":
			return p.str(&c.Domain)
		case "industry":
			return p.str(&c.Industry)
		case "country":
			return p.str(&c.Country)
		case "postal_code":
			return p.str(&c.PostalCode)
		case "employees":
			return p.int(&c.Employees)
		case "founded":
			return p.int(&c.Founded)
		case "service_centers":
			return p.int(&c.ServiceCenters)
		case "revenue":
			return p.float(&c.Revenue)
		case "minority_owned":
			return p.bool(&c.MinorityOwned)
		}
		return false
	})
}

func (p *fastParser) bant(b *leadscore.BANT) bool {
	return p.object(func(key string) bool {
		switch key {
		case "budget":
			return p.bool(&b.Budget)
		case "authority":
			return p.bool(&b.Authority)
		case "need":
			return p.bool(&b.Need)
		case "timing":
			return p.bool(&b.Timing)
		}
		return false
	})
}
