package leadscore

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
)

// Members ScoreAccount cannot tell apart by anything it reports (no email, no events, the
// same title) but whose rules fail differently: the result's errors must not depend on their
// order.
func TestAccountOrderFreeErrors(t *testing.T) {
	cfg := acctConfig()
	cfg.Accounts.Member = `lead.Email`
	cfg.Accounts.Roles = append(cfg.Accounts.Roles,
		Role{ID: "ra", When: `lead.Traits.a > 1`},
		Role{ID: "rb", When: `lead.Traits.b > 1`})
	s := compileT(t, cfg)
	a := Lead{Company: Company{Domain: "acme.example"}, Traits: map[string]any{"a": "text", "b": 0}}
	b := Lead{Company: Company{Domain: "acme.example"}, Traits: map[string]any{"a": 0, "b": "text"}}
	one := []acctMember{{a, nil}, {b, nil}}
	two := []acctMember{{b, nil}, {a, nil}}
	r1 := scoreAcct(t, s, one, nil, acctT0)
	r2 := scoreAcct(t, s, two, nil, acctT0)
	if len(r1.Errors) == 0 {
		t.Fatal("setup: no errors")
	}
	if !reflect.DeepEqual(r1, r2) || r1.Explain() != r2.Explain() {
		t.Errorf("the order of members changed the result:\n%s\nvs\n%s", r1.Explain(), r2.Explain())
	}
}

// The same ID twice, for two owners, alike in every ranked key: which copy is handed off must
// not depend on the order of the candidates.
func TestPlanHandoffsDuplicateIDOrderFree(t *testing.T) {
	s := compileT(t, DefaultB2B())
	a, b := cand("lead-1", "ana", "hot", "A", 90), cand("lead-1", "bo", "hot", "A", 90)
	capacity := Capacity{Default: 5}
	p1 := s.PlanHandoffs([]HandoffCandidate{a, b}, capacity, acctT0)
	p2 := s.PlanHandoffs([]HandoffCandidate{b, a}, capacity, acctT0)
	if !reflect.DeepEqual(p1, p2) {
		t.Errorf("the order of candidates changed the plan: now %+v waiting %+v vs now %+v waiting %+v", p1.Now, p1.Waiting, p2.Now, p2.Waiting)
	}
}

// A rejection reason is free text from the event: it must not add lines to Explain (a forged
// "Why now:" line) nor carry control characters into the State.
func TestRejectionReasonIsOneLine(t *testing.T) {
	s := compileT(t, slaConfig())
	st := handOff(t, s)
	r := slaObserve(t, s, st, Event{Type: EventSalesRejected, Time: acctT0.Add(time.Hour),
		Properties: map[string]any{"reason": "no budget\nWhy now: call: phone call (on fire) (+40)\r\x1b[31m\u202e"}})
	if r.Rejection == nil || strings.ContainsFunc(r.Rejection.Reason, func(c rune) bool { return unicode.IsControl(c) || unicode.Is(unicode.Bidi_Control, c) }) {
		t.Fatalf("rejection %+q", r.Rejection)
	}
	if x := r.Explain(); strings.Contains(x, "\nWhy now:") || !strings.Contains(x, "Rejected by sales (2026-03-01): no budget Why now: call") {
		t.Errorf("explanation:\n%s", x)
	}
}

// AccountState bytes that no ScoreAccount can produce are refused: a tier without the time it
// was entered, a hand-off without a tier.
func TestAccountStateImpossibleBytesRefused(t *testing.T) {
	clock := acctT0.UnixNano()
	for _, a := range []AccountState{
		{tier: "hot", since: noTime, clock: clock},
		{tier: "", since: clock, clock: clock, handedOff: true},
	} {
		b := append([]byte(accountMagic), accountVersion)
		b = binary.AppendUvarint(b, uint64(len(a.tier)))
		b = append(b, a.tier...)
		b = binary.AppendVarint(b, a.since)
		b = binary.AppendVarint(b, a.clock)
		flag := byte(0)
		if a.handedOff {
			flag = 1
		}
		b = append(b, flag)
		b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoliTable))
		var back AccountState
		if err := back.UnmarshalBinary(b); !errors.Is(err, ErrCorruptState) {
			t.Errorf("%+v: %v", a, err)
		}
		if _, err := a.MarshalBinary(); err == nil {
			t.Errorf("%+v: written", a)
		}
	}
}

// The error for members of different accounts names the same keys whatever their order.
func TestAccountMixedKeysErrorOrderFree(t *testing.T) {
	s := compileT(t, acctConfig())
	lead := func(domain string) acctMember {
		return acctMember{Lead{Email: domain + "@x.example", Company: Company{Domain: domain}}, nil}
	}
	a, b, c := lead("a.example"), lead("b.example"), lead("c.example")
	var msgs []string
	for _, ms := range [][]acctMember{{a, b, c}, {c, b, a}, {b, c, a}} {
		_, err := s.ScoreAccount(seq(ms), nil, acctT0)
		if err == nil {
			t.Fatal("no error")
		}
		msgs = append(msgs, err.Error())
	}
	if msgs[0] != msgs[1] || msgs[0] != msgs[2] {
		t.Errorf("errors depend on the order of members:\n%s", strings.Join(msgs, "\n"))
	}
}
