package text

import (
	"math"
	"slices"
	"strconv"
	"testing"
)

func TestLineColumn(t *testing.T) {
	data := []byte("ab\ncd\n\nef")
	for _, c := range []struct{ off, line, col int }{
		{-5, 1, 1}, {0, 1, 1}, {1, 1, 2}, {2, 1, 3}, {3, 2, 1}, {5, 2, 3}, {6, 3, 1}, {7, 4, 1}, {9, 4, 3}, {100, 4, 3},
	} {
		if l, col := LineColumn(data, c.off); l != c.line || col != c.col {
			t.Errorf("LineColumn(%d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
	}
	if l, c := LineColumn(nil, 3); l != 1 || c != 1 {
		t.Errorf("LineColumn(nil, 3) = %d:%d, want 1:1", l, c)
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "rules", 1: "rule", 2: "rules", -1: "rules"} {
		if got := Plural(n, "rule", "rules"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 4000: "4,000", 123456: "123,456", 1234567: "1,234,567",
		-1: "-1", -999: "-999", -1000: "-1,000", -123456: "-123,456",
		math.MinInt64: "-9,223,372,036,854,775,808", math.MaxInt64: "9,223,372,036,854,775,807",
	} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDecimalAndSigned(t *testing.T) {
	for _, c := range []struct {
		v              float64
		places         int
		decimal, signd string
	}{
		{64.254, 2, "64.25", "+64.25"}, {70, 2, "70", "+70"}, {-3.5, 2, "-3.5", "-3.5"},
		{-0.001, 2, "0", "+0"}, {0.05, 1, "0.1", "+0.1"}, {-0.04, 1, "0", "+0"}, {1234.56, 0, "1235", "+1235"},
		{math.NaN(), 2, "NaN", "NaN"}, {math.Inf(1), 1, "+Inf", "+Inf"}, {math.Inf(-1), 1, "-Inf", "-Inf"},
	} {
		if got := Decimal(c.v, c.places); got != c.decimal {
			t.Errorf("Decimal(%v, %d) = %q, want %q", c.v, c.places, got, c.decimal)
		}
		if got := Signed(c.v, c.places); got != c.signd {
			t.Errorf("Signed(%v, %d) = %q, want %q", c.v, c.places, got, c.signd)
		}
	}
}

func TestSortedKeysAndSet(t *testing.T) {
	if got := SortedKeys(map[string]int{"b": 1, "a": 2, "c": 3}); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("SortedKeys = %v", got)
	}
	in := []string{"b", "a", "b", "c", "a"}
	if got := SortedSet(in); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("SortedSet = %v", got)
	}
	if !slices.Equal(in, []string{"b", "a", "b", "c", "a"}) {
		t.Errorf("SortedSet modified its input: %v", in)
	}
}

// AppendDecimal's whole-number shortcut writes what strconv writes.
func TestDecimalAgreesWithStrconv(t *testing.T) {
	for _, v := range []float64{0, math.Copysign(0, -1), 1, -1, 15, -10, 0.04, -0.04, 0.05, 2.25, 1e14, -1e14 + 1, 1e15, 1e15 + 2, 1e21, 123456.75, -3.45, 7.999} {
		for _, places := range []int{0, 1, 2} {
			scale := math.Pow10(places)
			r := math.Round(v*scale) / scale
			if r == 0 {
				r = 0
			}
			if got, want := Decimal(v, places), strconv.FormatFloat(r, 'f', -1, 64); got != want {
				t.Errorf("Decimal(%v, %d) = %q, want %q", v, places, got, want)
			}
		}
	}
}

func TestNumber(t *testing.T) {
	for _, c := range []struct {
		v    float64
		prec int
		want string
	}{
		{1.50, 2, "1.5"}, {2, 2, "2"}, {-3.25, 1, "−3.2"}, {-0.001, 2, "0"}, {math.Copysign(0, -1), 0, "0"},
		{100, 0, "100"}, {math.NaN(), 2, "n/a"}, {math.Inf(1), 2, "∞"}, {math.Inf(-1), 2, "−∞"},
	} {
		if got := Number(c.v, c.prec); got != c.want {
			t.Errorf("Number(%v, %d) = %q, want %q", c.v, c.prec, got, c.want)
		}
	}
}
