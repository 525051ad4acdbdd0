// Package jsontext checks what encoding/json lets through silently: a JSON text that is not
// UTF-8, or whose strings escape half a surrogate pair.
//
// encoding/json reads each invalid byte, and each "\ud800" escaped alone, as U+FFFD, so two
// distinct IDs ("\xff1" and "\xfe1", or "\ud800" and "\udbff") decode to the same string: for
// a service that de-duplicates events by ID, the second event is dropped as a repeat of the
// first, and two leads' IDs become one lead. The reference service and the Beam pipeline
// refuse such texts with Valid before they decode them.
package jsontext

import "unicode/utf8"

// Valid reports whether b, a JSON text, is UTF-8 (RFC 8259 §8.1) and every \u escape of a
// surrogate in its strings is one half of a pair, high then low (§8.2). b is assumed to be
// JSON that encoding/json accepts: there a backslash is always an escape inside a string.
func Valid(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for i := 0; i+1 < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if b[i+1] != 'u' {
			i++ // \", \\, \n, …: the escaped character starts no escape of its own
			continue
		}
		r := hex4(b, i+2)
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return false // a low half alone
		case r >= 0xD800 && r <= 0xDBFF:
			if i+11 >= len(b) || b[i+6] != '\\' || b[i+7] != 'u' {
				return false // a high half alone
			}
			if lo := hex4(b, i+8); lo < 0xDC00 || lo > 0xDFFF {
				return false
			}
			i += 11
		default:
			i += 5
		}
	}
	return true
}

// hex4 is the value of the four hex digits at b[i:], or -1.
func hex4(b []byte, i int) int {
	if i+4 > len(b) {
		return -1
	}
	v := 0
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | int(c-'A'+10)
		default:
			return -1
		}
	}
	return v
}
