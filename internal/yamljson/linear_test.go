package yamljson

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Convert's time is linear in its input: positions are found without walking the line from
// its start for every value (a 380 KB one-line flow list took 27 s), and an alias bomb is
// refused before it is expanded. Measured against yaml.v3's own parse of the same input, in
// the same process, so that a slow or busy machine slows both.
func TestConvertIsLinear(t *testing.T) {
	bomb := `{p: "` + strings.Repeat("x", 16000) + `", a0: &a0 []`
	for i := 1; i <= 7; i++ {
		bomb += fmt.Sprintf(", a%d: &a%d [%s]", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 9), ","))
	}
	bomb += "}"
	repeated := "x: &x {pionts: 1, dimensoin: 2, wehn: 3}\nrules: [" + strings.Repeat("*x, ", 64000) + "*x]\n"
	for _, tc := range []struct {
		name, data string
		typ        reflect.Type
		err        string // the error Convert returns, if any
	}{
		{"one-line flow list", "[" + strings.Repeat(`{"a": 1, "b": "x"},`, 20000) + "{}]", nil, ""},
		{"one-line flow list, not ASCII", "[" + strings.Repeat(`{"é": 1, "b": "ü"},`, 20000) + "{}]", nil, ""},
		{"one-line alias bomb", bomb, nil, "1:1: aliases expand the document to more than"},
		// the did-you-mean is found once for each key, not for each time an alias repeats it
		{"unknown keys repeated by aliases", repeated, reflect.TypeFor[testDoc](), "1:1: unknown field \"x\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.data)
			var took, parse, bound time.Duration
			// Each try times yaml.v3 and Convert one after the other, under the same load; a busy
			// machine gets another try, a Convert far beyond the bound does not.
			for try := 0; try < 5; try++ {
				parse = bestOf(2, func() {
					var n yaml.Node
					if err := yaml.Unmarshal(data, &n); err != nil {
						t.Fatal(err)
					}
				})
				bound = 20*parse + 50*time.Millisecond
				start := time.Now()
				_, err := Convert(data, tc.typ)
				took = time.Since(start)
				switch {
				case tc.err == "" && err != nil:
					t.Fatal(err)
				case tc.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.err)):
					t.Fatalf("error %v, want %s…", err, tc.err)
				}
				if took <= bound || took > 10*bound {
					break
				}
			}
			t.Logf("Convert %v, yaml.v3 %v, %d bytes", took, parse, len(data))
			if took > bound {
				t.Errorf("Convert of %d bytes took %v; yaml.v3 parses them in %v (at most %v allowed)", len(data), took, parse, bound)
			}
		})
	}
}

func bestOf(n int, f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range n {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}

// column agrees with walking the line rune by rune, as yaml counts columns, on lines of ASCII,
// of other characters, of invalid UTF-8, after a byte-order mark, with \r\n endings.
func TestColumn(t *testing.T) {
	slow := func(src []byte, lines []int, line, col int) (int, int) {
		if line < 1 {
			return 1, 1
		}
		line = min(line, len(lines))
		start, end := lines[line-1], len(src)
		if line < len(lines) {
			end = lines[line] - 1
		}
		off := 0
		if line == 1 && bytes.HasPrefix(src[start:end], []byte("\ufeff")) {
			off = 3
		}
		for n := 1; n < col && off < end-start; n++ {
			_, size := utf8.DecodeRune(src[start+off : end])
			off += size
		}
		return line, off + 1
	}
	for _, src := range []string{
		"", "a", "a: 1\nb: 2\n", "\ufeffa: é\r\nb: ü\n", "é\xffü\n\n\xe2\x82x: 1\r\n", "\ufeff", "ab\ncdé",
		"x: " + strings.Repeat("ü", 300) + "\n" + strings.Repeat("a", 300),
	} {
		d := &Doc{src: []byte(src), lines: lineStarts([]byte(src))}
		for line := -1; line <= len(d.lines)+1; line++ {
			for col := -1; col <= utf8.RuneCountInString(src)+2; col++ {
				gl, gc := d.column(line, col)
				wl, wc := slow(d.src, d.lines, line, col)
				if gl != wl || gc != wc {
					t.Fatalf("%q: column(%d, %d) = %d:%d, want %d:%d", src, line, col, gl, gc, wl, wc)
				}
			}
		}
	}
}
