package strindex

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// oracle is what an Index must agree with: a map filled in order.
func oracle(keys []string) map[string]int {
	m := make(map[string]int, len(keys))
	for i, k := range keys {
		m[k] = i
	}
	return m
}

// agree fails t when x and the oracle of keys differ on probe.
func agree(t *testing.T, x *Index, m map[string]int, probe string) {
	t.Helper()
	want, ok := m[probe]
	if !ok {
		want = -1
	}
	if got := x.Lookup(probe); got != want {
		t.Fatalf("Lookup(%q) = %d, want %d", probe, got, want)
	}
}

// keySet draws a set of keys made to collide: few lengths, a small alphabet, so that keys
// share length, first, middle and last bytes; sometimes "", sometimes duplicates.
func keySet(r *rand.Rand) []string {
	n := r.IntN(300)
	if r.IntN(4) == 0 {
		n = r.IntN(8)
	}
	alphabet := "abcdefghijklmnopqrstuvwxyz_"[:1+r.IntN(27)]
	maxLen := 1 + r.IntN(20)
	keys := make([]string, 0, n)
	for range n {
		switch {
		case len(keys) > 0 && r.IntN(10) == 0:
			keys = append(keys, keys[r.IntN(len(keys))]) // a duplicate
		case r.IntN(30) == 0:
			keys = append(keys, "")
		default:
			keys = append(keys, randString(r, alphabet, 1+r.IntN(maxLen)))
		}
	}
	return keys
}

func randString(r *rand.Rand, alphabet string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// probes are members, near-misses of members (one byte changed, one added or dropped, a
// prefix, a suffix), "" and random strings, shorter and longer than every key.
func probes(r *rand.Rand, keys []string) []string {
	out := []string{"", "\x00", strings.Repeat("z", 300)}
	for _, k := range keys {
		out = append(out, k, k+"x", "x"+k, strings.Clone(k))
		if k == "" {
			continue
		}
		b := []byte(k)
		b[r.IntN(len(b))] ^= byte(1 + r.IntN(255))
		out = append(out, string(b), k[:len(k)-1], k[1:], k[:len(k)/2])
		b = []byte(k) // same length, first, middle and last byte: only the rest differs
		if len(b) > 3 {
			b[1] ^= 1
			out = append(out, string(b))
		}
	}
	for range 50 {
		out = append(out, randString(r, "abcxyz_\x00\xff", r.IntN(25)))
	}
	return out
}

func TestLookupAgreesWithMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		keys := keySet(r)
		x := New(keys)
		m := oracle(keys)
		for _, p := range probes(r, keys) {
			agree(t, &x, m, p)
		}
	}
}

func TestZeroAndEmpty(t *testing.T) {
	var zero Index
	for _, x := range []Index{zero, New(nil), New([]string{})} {
		for _, p := range []string{"", "a", "attract", strings.Repeat("q", 1000)} {
			if got := x.Lookup(p); got != -1 {
				t.Errorf("Lookup(%q) on an empty index = %d", p, got)
			}
		}
	}
	x := New([]string{"", "a", ""})
	agree(t, &x, oracle([]string{"", "a", ""}), "")
	agree(t, &x, oracle([]string{"", "a", ""}), "a")
	agree(t, &x, oracle([]string{"", "a", ""}), "b")
}

// Keys that cannot be told apart by the hash's bytes still resolve, through the map.
func TestAlikeKeys(t *testing.T) {
	keys := []string{"axxxa", "ayxya", "azxza", "bxxxb", "a", "aa", "aaa"}
	x := New(keys)
	if x.Crowded() != 3 {
		t.Errorf("Crowded() = %d, want the 3 keys alike in length, first, middle and last byte", x.Crowded())
	}
	m := oracle(keys)
	for _, p := range append(keys, "awxwa", "axxxb", "") {
		agree(t, &x, m, p)
	}
}

// The keys the scorer indexes — the default journey's stages and the built-in event types —
// each get a slot of their own, so that no lookup of them reaches the map.
func TestStandardKeysUncrowded(t *testing.T) {
	for _, keys := range [][]string{
		{"attract", "capture", "nurture", "convert", "expand"},
		{"identify", "signup", "form_submit", "email_sent", "email_open", "email_click",
			"email_reply", "email_unsubscribe", "email_bounce", "page_view", "content_download",
			"webinar_registered", "webinar_attended", "event_attended", "social_follow",
			"social_like", "social_share", "social_comment", "question", "call",
			"demo_request", "cart_add", "checkout_start", "purchase", "opportunity_created",
			"opportunity_lost", "no_decision", "sales_touch", "churn", "referral",
			"sales_accepted", "sales_rejected", "check_in", "meeting", "office_visit"},
	} {
		x := New(keys)
		if x.Crowded() != 0 {
			t.Errorf("%d of %d keys share slots in a table of %d", x.Crowded(), len(keys), len(x.slots))
		}
	}
}

// The same keys give the same table on every run: New must not depend on map order.
func TestDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 100 {
		keys := keySet(r)
		a, b := New(keys), New(keys)
		if a.mul != b.mul || a.shift != b.shift || len(a.slots) != len(b.slots) || a.Crowded() != b.Crowded() {
			t.Fatalf("two builds of %q differ", keys)
		}
	}
}

func TestLookupConcurrent(t *testing.T) {
	keys := []string{"attract", "capture", "nurture", "convert", "expand", "axxxa", "ayxya"}
	x := New(keys)
	m := oracle(keys)
	done := make(chan bool)
	for range 4 {
		go func() {
			for range 1000 {
				for _, k := range append(keys, "nope", "") {
					want, ok := m[k]
					if !ok {
						want = -1
					}
					if x.Lookup(k) != want {
						done <- false
						return
					}
				}
			}
			done <- true
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("a concurrent Lookup disagreed with the map")
		}
	}
}

// FuzzIndex builds an index from keys separated by NULs in the first input and probes it
// with the second, each key, and near-misses of each.
func FuzzIndex(f *testing.F) {
	f.Add("attract\x00capture\x00nurture\x00convert\x00expand", "convert")
	f.Add("axxxa\x00ayxya\x00\x00a", "azxza")
	f.Add("", "")
	f.Add("x\x00x\x00y", "xy")
	f.Fuzz(func(t *testing.T, joined, probe string) {
		var keys []string
		if joined != "" || len(probe)%2 == 0 { // both nil and [""] as sets
			keys = strings.Split(joined, "\x00")
		}
		x := New(keys)
		m := oracle(keys)
		agree(t, &x, m, probe)
		for _, k := range keys {
			agree(t, &x, m, k)
			agree(t, &x, m, k+probe)
			if k != "" {
				agree(t, &x, m, k[1:])
				agree(t, &x, m, k[:len(k)-1])
			}
		}
	})
}

func BenchmarkLookup(b *testing.B) {
	keys := []string{"attract", "capture", "nurture", "convert", "expand"}
	x := New(keys)
	probe := []string{"nurture", "convert", "missing", ""}
	b.ResetTimer()
	s := 0
	for i := range b.N {
		s += x.Lookup(probe[i&3])
	}
	_ = s
}
