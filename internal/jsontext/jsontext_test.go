package jsontext

import (
	"encoding/json"
	"strconv"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestValid(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{`{"id":"a"}`, true},
		{`{"id":"é😀"}`, true},
		{`{"id":"\u00e9"}`, true},
		{`{"id":"\ud83d\ude00"}`, true}, // a pair
		{`{"id":"\uD83D\uDE00x"}`, true},
		{`{"id":"\\ud800"}`, true}, // an escaped backslash, then text
		{`{"id":"\\\ud83d\ude00"}`, true},
		{`{"id":"\"\u0041"}`, true},
		{"{\"id\":\"\xff1\"}", false}, // not UTF-8
		{"{\"id\":\"\xed\xa0\x80\"}", false},
		{`{"id":"\ud800"}`, false}, // a high half alone
		{`{"id":"\udbff"}`, false},
		{`{"id":"\ude00"}`, false}, // a low half alone
		{`{"id":"\ud800\u0041"}`, false},
		{`{"id":"\ud800\\u0041"}`, false},
		{`{"id":"\ud800x\udc00"}`, false},
		{`{"id":"\\\ud800"}`, false},
		{`{"id":"\ude00\ud800"}`, false}, // the halves in the wrong order
	} {
		if got := Valid([]byte(c.text)); got != c.want {
			t.Errorf("Valid(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// Two texts that Valid accepts decode to the same strings only when they are the same
// strings: what it refuses is exactly what encoding/json would merge.
func FuzzValid(f *testing.F) {
	for _, s := range []string{`"a"`, `"\ud800"`, `"\ud83d\ude00"`, `["\\ud800", "\ude00"]`, "\"\xff\"", `{"a":"\u0041\ud800\udc00"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := Valid(b)
		if !json.Valid(b) {
			return // Valid assumes JSON
		}
		if want := oracle(b); got != want {
			t.Fatalf("Valid(%q) = %v, the oracle says %v", b, got, want)
		}
	})
}

// oracle decodes every string of the JSON text b to UTF-16 code units itself and checks that
// they are well formed: each high surrogate followed by a low one, no low one alone.
func oracle(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	inString := false
	var units []uint16
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case !inString:
			if c == '"' {
				inString, units = true, units[:0]
			}
		case c == '"':
			inString = false
			for k := 0; k < len(units); k++ {
				u := rune(units[k])
				switch {
				case utf16.IsSurrogate(u) && u < 0xDC00: // high
					if k+1 >= len(units) || units[k+1] < 0xDC00 || units[k+1] > 0xDFFF {
						return false
					}
					k++
				case utf16.IsSurrogate(u):
					return false
				}
			}
		case c == '\\':
			if b[i+1] == 'u' {
				v, _ := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
				units = append(units, uint16(v))
				i += 5
			} else {
				units = append(units, uint16(b[i+1]))
				i++
			}
		default:
			units = append(units, 'x') // any code unit that is no surrogate
		}
	}
	return true
}
