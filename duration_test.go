package leadscore

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{in: "14d", want: 14 * Day},
		{in: "2w", want: 2 * Week},
		{in: "36h", want: 36 * time.Hour},
		{in: "1w3d", want: 10 * Day},
		{in: "1.5d", want: 36 * time.Hour},
		{in: "90m", want: 90 * time.Minute},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "250ms", want: 250 * time.Millisecond},
		{in: "0", want: 0},
		{in: "0d", want: 0},
		{in: "", wantErr: "empty duration"},
		{in: "-1d", wantErr: "negative duration"},
		{in: "14", wantErr: "missing unit"},
		{in: "14days", wantErr: `unknown unit "days"`},
		{in: "d", wantErr: "expected a number"},
		{in: "1..5d", wantErr: "invalid duration"},
		{in: "99999999999w", wantErr: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseDuration(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "leadscore: ") {
					t.Errorf("error %q lacks the leadscore: prefix", err)
				}
				return
			}
			if err != nil || time.Duration(got) != tt.want {
				t.Fatalf("ParseDuration(%q) = %v, %v; want %v", tt.in, time.Duration(got), err, tt.want)
			}
		})
	}
}

func TestDurationString(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0", 14 * Day: "2w", 3 * Day: "3d", 36 * time.Hour: "36h0m0s", 90 * time.Second: "1m30s",
	} {
		if got := Duration(d).String(); got != want {
			t.Errorf("Duration(%v).String() = %q, want %q", d, got, want)
		}
		back, err := ParseDuration(Duration(d).String())
		if err != nil || time.Duration(back) != d {
			t.Errorf("round trip of %v gave %v, %v", d, back, err)
		}
	}
}

func TestDurationJSON(t *testing.T) {
	var v struct{ D Duration }
	if err := json.Unmarshal([]byte(`{"D": "2w"}`), &v); err != nil || time.Duration(v.D) != 2*Week {
		t.Fatalf("got %v, %v", v.D, err)
	}
	if err := json.Unmarshal([]byte(`{"D": 14}`), &v); err == nil || !strings.Contains(err.Error(), "must be a string") {
		t.Fatalf("a bare number was accepted: %v", err)
	}
	b, err := json.Marshal(struct{ D Duration }{Duration(3 * Day)})
	if err != nil || string(b) != `{"D":"3d"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
}

// Every duration that parses is ≥ 0: no number or unit near the int64 limit wraps negative
// (ParseDuration("9223372036854775807ns") once did).
func TestParseDurationNeverWraps(t *testing.T) {
	units := []string{"ns", "us", "ms", "s", "m", "h", "d", "w"}
	numbers := []string{"9223372036854775807", "9223372036854775808", "9223372036854775806", "1e300", "106751.99116730063",
		"15250", "15251", "292.4", "999999999999999999999", "0.5", "1", "0"}
	for _, n := range numbers {
		for _, u := range units {
			s := n + u
			d, err := ParseDuration(s)
			if err == nil && d < 0 {
				t.Errorf("ParseDuration(%q) = %v: negative without an error", s, d)
			}
		}
	}
	for _, s := range []string{"9223372036854775807ns", "9223372036854775808ns", "300000w", "1h9223372036854775807ns"} {
		if _, err := ParseDuration(s); err == nil || !strings.Contains(err.Error(), "too long") {
			t.Errorf("ParseDuration(%q) = %v, want a too-long error", s, err)
		}
	}
}
