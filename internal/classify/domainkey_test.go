package classify

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// domainKeyByLastAt is DomainKey as first written, from the last '@' backwards: the
// forward scan must answer exactly as it did, since the result cache is keyed by it.
func domainKeyByLastAt(email string) (string, bool) {
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || len(email) > maxAddressLen {
		return "", false
	}
	for i := 0; i < at; i++ {
		if c := email[i]; c <= ' ' || c >= 0x7f {
			return "", false
		}
	}
	return email[at:], true
}

func TestDomainKeyScansLikeLastAt(t *testing.T) {
	cases := []string{"", "@", "a@", "@a", "a@b", "dana@globex.example", "a@b@c", "@a@b", "a b@c", "ab@c d",
		"a\x7f@b", "a@b\x7f", "é@uni.edu", "x@é.edu", "a@@b", "@@", "a\t@b@c", " @x", "x@ ",
		strings.Repeat("a", 250) + "@b.co", strings.Repeat("a", 249) + "@b.co", strings.Repeat("@", 300)}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{'a', 'z', '.', '@', '@', ' ', '\t', 0x7f, 0x80, 0xc3, 0xa9, '~', '!'}
	for range 200000 {
		b := make([]byte, rng.IntN([]int{4, 20, 80, 270}[rng.IntN(4)]))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		k, ok := DomainKey(s)
		wk, wok := domainKeyByLastAt(s)
		if k != wk || ok != wok {
			t.Fatalf("DomainKey(%q) = %q, %v; from the last '@': %q, %v", s, k, ok, wk, wok)
		}
	}
}
