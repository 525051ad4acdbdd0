package leadscore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"time"
	"unicode/utf8"

	"github.com/leadscore/leadscore/internal/state"
)

// AccountState is an account's memory between ScoreAccount calls: its tier (for hysteresis),
// when it entered it, whether its hand-off was reported, and its clock. The zero value is an
// account never scored. Like a lead's State it is a plain value the caller stores: it
// serialises with MarshalBinary and combines with Merge.
type AccountState struct {
	tier      string
	since     int64 // when the tier was entered (state.None: never)
	clock     int64 // the latest time the account was scored at (state.None, or 0 in the zero value: never)
	handedOff bool  // the hand-off of the current hand-off tier was reported
}

// Tier returns the account's tier at its last ScoreAccount ("" before).
func (a *AccountState) Tier() string { return a.tier }

// HandedOff reports whether the account's hand-off was reported and it is still in a
// hand-off tier.
func (a *AccountState) HandedOff() bool { return a.handedOff }

// Clock returns the latest time the account was scored at (the zero time: never).
func (a *AccountState) Clock() time.Time { return unixToTime(a.norm().clock) }

// norm returns a with "never" as state.None (the zero value holds 0).
func (a AccountState) norm() AccountState {
	if a.clock == 0 && a.tier == "" && !a.handedOff && a.since == 0 {
		a.clock, a.since = state.None, state.None
	}
	return a
}

// Merge combines other into a: two copies of one account scored apart (replicas, shards).
// The copy scored last wins — its tier, when it entered it and whether its hand-off was
// reported — with ties broken by the tier's entry time, then the tier's name, then the
// hand-off, so that Merge is commutative, associative and idempotent; the clock is the later
// of the two. other is not modified.
func (a *AccountState) Merge(other *AccountState) error {
	if other == nil {
		return errors.New("leadscore: AccountState.Merge with a nil *AccountState")
	}
	x, y := a.norm(), other.norm()
	if accountAfter(y, x) {
		x.tier, x.since, x.handedOff = y.tier, y.since, y.handedOff
	}
	x.clock = max(x.clock, y.clock)
	*a = x
	return nil
}

// accountAfter reports whether y's tier record wins over x's in a merge: a total order over
// (clock, since, tier, handedOff).
func accountAfter(y, x AccountState) bool {
	switch {
	case y.clock != x.clock:
		return y.clock > x.clock
	case y.since != x.since:
		return y.since > x.since
	case y.tier != x.tier:
		return y.tier > x.tier
	}
	return y.handedOff && !x.handedOff
}

const (
	accountMagic   = "LSAC"
	accountVersion = 1
)

// MarshalBinary encodes a (encoding.BinaryMarshaler): versioned and checksummed, like a
// State.
func (a *AccountState) MarshalBinary() ([]byte, error) {
	n := a.norm()
	if err := n.check(); err != nil {
		return nil, fmt.Errorf("leadscore: account state not written: %v", err)
	}
	b := append([]byte(accountMagic), accountVersion)
	b = binary.AppendUvarint(b, uint64(len(n.tier)))
	b = append(b, n.tier...)
	b = binary.AppendVarint(b, n.since)
	b = binary.AppendVarint(b, n.clock)
	flag := byte(0)
	if n.handedOff {
		flag = 1
	}
	b = append(b, flag)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoliTable)), nil
}

var castagnoliTable = crc32.MakeTable(crc32.Castagnoli)

// UnmarshalBinary decodes what MarshalBinary wrote (encoding.BinaryUnmarshaler). Bad bytes
// are an error wrapping ErrCorruptState, and a is then left as it was.
func (a *AccountState) UnmarshalBinary(data []byte) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: account state: %s", ErrCorruptState, fmt.Sprintf(format, args...))
	}
	if len(data) < len(accountMagic)+1+4 || string(data[:len(accountMagic)]) != accountMagic {
		return bad("not an account state (bad magic or too short)")
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, castagnoliTable) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return bad("checksum mismatch (truncated or damaged)")
	}
	if v := data[len(accountMagic)]; v != accountVersion {
		return bad("unknown version %d (this library reads %d)", v, accountVersion)
	}
	p := body[len(accountMagic)+1:]
	n, k := binary.Uvarint(p)
	if k <= 0 || n > uint64(len(p)-k) {
		return bad("tier name length")
	}
	var out AccountState
	out.tier = string(p[k : k+int(n)])
	p = p[k+int(n):]
	var ok bool
	if out.since, p, ok = readVarint(p); !ok {
		return bad("tier time")
	}
	if out.clock, p, ok = readVarint(p); !ok {
		return bad("clock")
	}
	if len(p) != 1 || p[0] > 1 {
		return bad("hand-off flag or trailing bytes")
	}
	out.handedOff = p[0] == 1
	if err := out.check(); err != nil {
		return bad("%v", err)
	}
	*a = out
	return nil
}

func readVarint(p []byte) (int64, []byte, bool) {
	v, k := binary.Varint(p)
	if k <= 0 {
		return 0, p, false
	}
	return v, p[k:], true
}

// check verifies what an encoded AccountState must hold (normalised: never is state.None).
func (a AccountState) check() error {
	switch {
	case !utf8.ValidString(a.tier) || len(a.tier) > maxAccountName:
		return fmt.Errorf("tier name is not UTF-8 of at most %d bytes", maxAccountName)
	case a.since != state.None && !state.InRange(a.since):
		return fmt.Errorf("tier time %d out of range", a.since)
	case a.clock != state.None && !state.InRange(a.clock):
		return fmt.Errorf("clock %d out of range", a.clock)
	case a.since != state.None && (a.clock == state.None || a.since > a.clock):
		return errors.New("tier entered after the clock")
	case a.clock == state.None && (a.tier != "" || a.handedOff):
		return errors.New("a tier without a clock")
	case a.tier != "" && a.since == state.None:
		return errors.New("a tier without the time it was entered")
	case a.handedOff && a.tier == "":
		return errors.New("a hand-off without a tier")
	}
	return nil
}
