package state

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"unicode/utf8"
)

// The binary format, version 4 (version 3 and what a State keeps for sessions, evidence,
// questions, carts and attribution; a State without any of it is written as version 3, and a
// State without a rejection by sales either as version 2, byte for byte as before):
//
//	"LSST"        magic
//	2             version (one byte)
//	payload       integers are varints (signed) or uvarints; floats are 8 little-endian bytes
//	              of their IEEE-754 bits; strings and lists are a uvarint length, then items
//	CRC-32C       4 little-endian bytes, over everything before it
//
// The payload is the layout — event rules (ID, half-life, once), tracked types with their
// ring sizes, signal kinds, stages, the velocity window, the ID capacity — then the values it
// lays out. Times use None for "never". Version 3 appends the latest rejection by sales:
// its reason (a string) and time. Version 4 appends, after the rejection (its reason empty
// when there is none): the per-type event totals (none, when each is what its ring holds),
// whether they are a lower bound (read from an older version's rings; version 2 and 3 bytes
// with a full ring are read so), the visits (their count, then, when there are any, the
// session gap and cap they were grouped by, then each visit's from, to and events), the latest question's text and time, the abandoned cart's
// step, and the first, last and hand-off touches (a presence byte, then the time, channel,
// campaign, content and call to action). Version 1 (the first release) is still read.
//
// Decoding allocates in proportion to the input: every list length is checked against the
// bytes left (each item takes at least one byte) before anything is allocated for it.
const (
	magic   = "LSST"
	version = 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrCorrupt is wrapped by every Unmarshal error about the bytes themselves.
var ErrCorrupt = errors.New("leadscore: corrupt state")

// Marshal encodes d. It refuses (with an error, writing nothing) a Data that breaks an
// invariant, so that it never writes bytes Unmarshal would reject. MaxLen bounds what it
// writes: change the two together.
func Marshal(d *Data) ([]byte, error) {
	if err := d.Check(); err != nil {
		return nil, fmt.Errorf("leadscore: state not written: %v", err)
	}
	return encode(d), nil
}

// encode writes d, which must pass Check (tests write broken Datas with it, to see Unmarshal
// refuse them).
func encode(d *Data) []byte {
	l := d.Layout
	var e encoder
	e.buf = make([]byte, 0, 64+16*len(d.Acc)+4*len(d.Times)+9*len(d.IDs))
	e.buf = append(e.buf, magic...)
	extra := l != nil && d.hasExtra()
	switch {
	case extra:
		e.buf = append(e.buf, version)
	case d.Rejection != "":
		e.buf = append(e.buf, 3) // what version 4 adds is not there: readable by releases that read 3
	default:
		e.buf = append(e.buf, 2) // nor what version 3 adds: readable by releases that read 2
	}
	if l == nil {
		e.bool(false)
		return e.finish()
	}
	e.bool(true)
	e.buf = append(e.buf, l.key...)

	for _, a := range d.Acc {
		e.accum(a)
	}
	for _, t := range d.Times { // the count is the layout's RingTotal
		e.varint(t)
	}
	e.uvarint(uint64(len(d.IDs)))
	for _, id := range d.IDs {
		e.buf = binary.LittleEndian.AppendUint64(e.buf, id.Hash)
		e.varint(id.At)
	}
	e.varint(d.Clock)
	e.varint(d.Evaluated)
	e.varint(d.Latest)
	e.varint(d.First)
	e.uvarint(d.Events)
	e.string(d.Tier)
	e.string(d.Stage)
	e.varint(d.Since)
	e.uvarint(uint64(d.Entered))
	e.uvarint(uint64(len(d.History)))
	for _, v := range d.History {
		e.string(v.Stage)
		e.varint(v.From)
		e.varint(v.To)
	}
	e.bool(d.Stalled)
	e.bool(d.SLAMet)
	e.varint(d.MQLAt)
	e.bool(d.HandedOff)
	e.bool(d.Unsettled)
	e.uvarint(d.Signals)
	e.varint(d.Cart.At)
	e.float(d.Cart.Value)
	e.bool(d.Cart.Checkout)
	e.accum(d.Vel[0])
	e.accum(d.Vel[1])
	for _, b := range d.Base {
		e.float(b)
	}
	e.uvarint(uint64(d.Purchases))
	e.float(d.Revenue)
	e.float(d.ExpansionRevenue)
	if d.Rejection != "" || extra { // version 3, and 4 (where the reason may be empty)
		e.string(d.Rejection)
		e.varint(d.RejectedAt)
	}
	if extra {
		e.extra(d)
	}
	return e.finish()
}

// Unmarshal decodes data written by Marshal (any version). Truncated, corrupted or
// implausible bytes are an error wrapping ErrCorrupt.
func Unmarshal(data []byte) (*Data, error) {
	if len(data) < len(magic)+1+4 || string(data[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: not a leadscore state (bad magic or too short)", ErrCorrupt)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch (truncated or damaged)", ErrCorrupt)
	}
	dec := decoder{buf: body[len(magic)+1:]}
	var d *Data
	switch v := data[len(magic)]; v {
	case 1:
		d = dec.v1()
	case 2:
		d = dec.v2()
	case 3, 4:
		d = dec.v2()
		if d != nil && d.Layout == nil {
			dec.fail("version %d without a layout", v)
		} else if d != nil {
			d.Rejection = dec.string()
			d.RejectedAt = dec.varint()
			if dec.err == nil && d.Rejection == "" && v == 3 {
				dec.fail("version 3 without a rejection")
			}
			if v == 4 {
				dec.extra(d)
				if dec.err == nil && !d.hasExtra() {
					dec.fail("version 4 without what it adds")
				}
			}
		}
	default:
		return nil, fmt.Errorf("%w: unknown version %d (this library reads 1 to %d)", ErrCorrupt, v, version)
	}
	if dec.err == nil && len(dec.buf) != 0 {
		dec.fail("%d bytes after the state", len(dec.buf))
	}
	if dec.err == nil {
		dec.err = d.Check()
	}
	if dec.err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, dec.err)
	}
	return d, nil
}

func (dec *decoder) layout(v1 bool) *Layout {
	// A rule takes at least 3 bytes here and its accumulator 11 more after the layout: both
	// must be there before the rules are allocated.
	rules := make([]Rule, dec.count("event rules", MaxRules, 3+11))
	for i := range rules {
		rules[i] = Rule{ID: dec.string(), HalfLife: dec.varint(), Once: dec.bool()}
	}
	// A type takes at least 2 bytes here and one event time (1 byte at least) per ring slot
	// after the layout.
	n := dec.count("event types", MaxTypes, 3)
	types, caps := make([]string, n), make([]int, n)
	slots := 0
	for i := range types {
		types[i] = dec.string()
		caps[i] = int(dec.uvarint())
		if caps[i] < 1 || caps[i] > MaxRing {
			dec.fail("event type %q keeps %d times, want 1 to %d", types[i], caps[i], MaxRing)
		}
		slots += caps[i]
	}
	dec.fits(slots, 1, "event times")
	kinds := make([]Kind, dec.count("signal kinds", MaxKinds, 1))
	for i := range kinds {
		kinds[i] = Kind{Name: dec.string()}
	}
	stages := make([]string, dec.count("stages", MaxStages, 1))
	for i := range stages {
		stages[i] = dec.string()
	}
	velocity := dec.varint()
	idCap := MaxIDs // version 1 did not record it: the decoded IDs are kept, up to the codec's limit
	if !v1 {
		idCap = int(min(dec.uvarint(), MaxIDs+1))
	}
	if dec.err != nil {
		return nil
	}
	return NewLayout(rules, types, caps, kinds, stages, velocity, idCap)
}

func (dec *decoder) v2() *Data {
	if !dec.bool() {
		return &Data{}
	}
	l := dec.layout(false)
	if dec.err != nil {
		return nil
	}
	d := &Data{Layout: l}
	d.Acc = dec.accums(len(l.Rules))
	d.Times = dec.times(l.RingTotal)
	d.IDs = make([]ID, dec.count("event IDs", MaxIDs, 9))
	for i := range d.IDs {
		d.IDs[i] = ID{Hash: dec.uint64(), At: dec.varint()}
	}
	if len(d.IDs) == 0 {
		d.IDs = nil
	}
	d.Clock, d.Evaluated, d.Latest, d.First = dec.varint(), dec.varint(), dec.varint(), dec.varint()
	d.Events = dec.uvarint()
	d.Tier, d.Stage = dec.string(), dec.string()
	d.Since = dec.varint()
	d.Entered = uint32(dec.bounded("stage bits", math.MaxUint32))
	d.History = dec.history()
	d.Stalled, d.SLAMet = dec.bool(), dec.bool()
	d.MQLAt = dec.varint()
	d.HandedOff = dec.bool()
	d.Unsettled = dec.bool()
	d.Signals = dec.uvarint()
	d.Cart, d.Vel = dec.cart(), [2]Accum{dec.accum(), dec.accum()}
	dec.values(d)
	return d
}

// v1 reads the first release's format: 0 meant "never" for the stage entry, the hand-off and
// the cart; IDs had no times (they are taken to be as recent as the latest event); there was
// no clock (the later of the latest event and the last evaluation stands in).
func (dec *decoder) v1() *Data {
	l := dec.layout(true)
	if dec.err != nil {
		return nil
	}
	d := &Data{Layout: l}
	d.Acc = dec.accums(len(l.Rules))
	if n := int(dec.uvarint()); n != l.RingTotal {
		dec.fail("%d event times for a layout of %d", n, l.RingTotal)
		return nil
	}
	d.Times = dec.times(l.RingTotal)
	hashes := make([]uint64, dec.count("event IDs", MaxIDs, 8))
	for i := range hashes {
		hashes[i] = dec.uint64()
	}
	dec.uvarint() // the ring position of the next ID: IDs are now ordered by time
	latest := dec.varint()
	d.Events = dec.uvarint()
	d.Tier, d.Stage = dec.string(), dec.string()
	since := dec.varint()
	first := dec.varint()
	d.Entered = uint32(dec.bounded("stage bits", math.MaxUint32))
	d.History = dec.history()
	d.Stalled = dec.bool()
	mql := dec.varint()
	d.HandedOff = dec.bool()
	d.Signals = dec.uvarint()
	d.Cart, d.Vel = dec.cart(), [2]Accum{dec.accum(), dec.accum()}
	evaluated := dec.varint()
	dec.values(d)
	if dec.err != nil {
		return nil
	}
	never := func(t int64) int64 {
		if t == 0 {
			return None
		}
		return t
	}
	d.Latest, d.First, d.Clock = None, None, None
	if d.Events > 0 {
		d.Latest, d.First, d.Clock = latest, first, latest
	}
	d.Since, d.MQLAt, d.Cart.At, d.Evaluated = never(since), never(mql), never(d.Cart.At), never(evaluated)
	d.Clock = max(d.Clock, d.Evaluated)
	for _, h := range hashes {
		if !d.Seen(h) && d.Events > 0 {
			d.IDs = append(d.IDs, ID{Hash: h, At: latest})
		}
	}
	d.IDs = unionIDs(d.IDs, nil, l.IDCap)
	for i := range d.Times {
		if d.Times[i] != None && !InRange(d.Times[i]) {
			d.Times[i] = None // version 1 accepted 1678–2262; those times no longer count
		}
	}
	return d
}

type encoder struct{ buf []byte }

// layout writes l: its rules, tracked types, kinds, stages, velocity window and ID capacity.
func (e *encoder) layout(l *Layout) {
	e.uvarint(uint64(len(l.Rules)))
	for _, r := range l.Rules {
		e.string(r.ID)
		e.varint(r.HalfLife)
		e.bool(r.Once)
	}
	e.uvarint(uint64(len(l.Types)))
	for i, t := range l.Types {
		e.string(t)
		e.uvarint(uint64(l.RingCap[i]))
	}
	e.uvarint(uint64(len(l.Kinds)))
	for _, k := range l.Kinds {
		e.string(k.Name)
	}
	e.uvarint(uint64(len(l.Stages)))
	for _, s := range l.Stages {
		e.string(s)
	}
	e.varint(l.Velocity)
	e.uvarint(uint64(l.IDCap))
}

func (e *encoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) varint(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }
func (e *encoder) float(v float64) {
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v))
}
func (e *encoder) bool(v bool) {
	b := byte(0)
	if v {
		b = 1
	}
	e.buf = append(e.buf, b)
}
func (e *encoder) string(s string) {
	e.uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}
func (e *encoder) accum(a Accum) {
	e.float(a.Sum)
	e.varint(a.Ref)
	e.varint(a.First)
	e.uvarint(a.N)
}
func (e *encoder) finish() []byte {
	return binary.LittleEndian.AppendUint32(e.buf, crc32.Checksum(e.buf, castagnoli))
}

type decoder struct {
	buf []byte
	err error
}

func (dec *decoder) fail(format string, args ...any) {
	if dec.err == nil {
		dec.err = fmt.Errorf(format, args...)
	}
	dec.buf = nil // stop reading: every later read fails fast and allocates nothing
}

func (dec *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(dec.buf)
	if n <= 0 {
		dec.fail("bad unsigned integer")
		return 0
	}
	dec.buf = dec.buf[n:]
	return v
}

func (dec *decoder) varint() int64 {
	v, n := binary.Varint(dec.buf)
	if n <= 0 {
		dec.fail("bad integer")
		return 0
	}
	dec.buf = dec.buf[n:]
	return v
}

// count reads a list length of at most limit items of at least itemBytes bytes each, which
// the bytes left must be able to hold: a length is never trusted before the bytes are there.
func (dec *decoder) count(what string, limit, itemBytes int) int {
	n := dec.uvarint()
	if n > uint64(limit) {
		dec.fail("%d %s, at most %d", n, what, limit)
		return 0
	}
	return dec.fits(int(n), itemBytes, what)
}

// fits returns n if n items of at least itemBytes each fit in the bytes left, else fails.
func (dec *decoder) fits(n, itemBytes int, what string) int {
	if dec.err != nil {
		return 0
	}
	if n > len(dec.buf)/itemBytes {
		dec.fail("%d %s do not fit in the %d bytes left", n, what, len(dec.buf))
		return 0
	}
	return n
}

func (dec *decoder) bounded(what string, limit uint64) uint64 {
	v := dec.uvarint()
	if v > limit {
		dec.fail("%s %d, at most %d", what, v, limit)
		return 0
	}
	return v
}

func (dec *decoder) bytes(n int) []byte {
	if len(dec.buf) < n {
		dec.fail("truncated")
		return nil
	}
	b := dec.buf[:n]
	dec.buf = dec.buf[n:]
	return b
}

func (dec *decoder) uint64() uint64 {
	if b := dec.bytes(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (dec *decoder) float() float64 {
	v := math.Float64frombits(dec.uint64())
	if math.IsNaN(v) || math.IsInf(v, 0) {
		dec.fail("a non-finite number")
		return 0
	}
	return v
}

func (dec *decoder) bool() bool {
	b := dec.bytes(1)
	if b != nil && b[0] > 1 {
		dec.fail("bad boolean")
	}
	return b != nil && b[0] == 1
}

func (dec *decoder) string() string {
	b := dec.bytes(dec.count("string bytes", maxDecoded, 1))
	if !utf8.Valid(b) {
		dec.fail("a string is not UTF-8")
	}
	return string(b)
}

func (dec *decoder) accums(n int) []Accum {
	out := make([]Accum, dec.fits(n, 11, "accumulators"))
	for i := range out {
		out[i] = dec.accum()
	}
	return out
}

func (dec *decoder) times(n int) []int64 {
	out := make([]int64, dec.fits(n, 1, "event times"))
	for i := range out {
		out[i] = dec.varint()
	}
	return out
}

func (dec *decoder) history() []Visit {
	n := dec.count("stage visits", MaxHistory, 3)
	if n == 0 {
		return nil
	}
	out := make([]Visit, n)
	for i := range out {
		out[i] = Visit{Stage: dec.string(), From: dec.varint(), To: dec.varint()}
	}
	return out
}

func (dec *decoder) cart() Cart {
	return Cart{At: dec.varint(), Value: dec.float(), Checkout: dec.bool()}
}

// values reads the attribute sums and the funnel's purchase figures.
func (dec *decoder) values(d *Data) {
	for i := range d.Base {
		d.Base[i] = dec.float()
	}
	d.Purchases = uint32(dec.bounded("purchases", math.MaxUint32))
	d.Revenue, d.ExpansionRevenue = dec.float(), dec.float()
}

func (dec *decoder) accum() Accum {
	return Accum{Sum: dec.float(), Ref: dec.varint(), First: dec.varint(), N: dec.uvarint()}
}

// extra writes what version 4 adds.
func (e *encoder) extra(d *Data) {
	if d.totalsBeyondRings() {
		e.uvarint(uint64(len(d.Totals)))
		for _, n := range d.Totals {
			e.uvarint(uint64(n))
		}
	} else {
		e.uvarint(0)
	}
	e.bool(d.totalsPartial()) // the totals are a lower bound (read from an older version's rings)
	e.uvarint(uint64(len(d.Sessions)))
	if len(d.Sessions) > 0 {
		// How they were grouped: the session gap and cap (at least the visits kept, which a
		// State.Merge under a wider cap may leave).
		e.varint(d.Layout.SessionGap)
		e.uvarint(uint64(max(visitCap(d.Layout.SessionCap), len(d.Sessions))))
	}
	for _, s := range d.Sessions {
		e.varint(s.From)
		e.varint(s.To)
		e.uvarint(uint64(s.N))
	}
	e.string(d.Question)
	e.varint(d.QuestionAt)
	e.string(d.Cart.Step)
	for _, t := range [...]Touch{d.FirstTouch, d.LastTouch, d.HandoffTouch} {
		e.bool(!t.IsZero())
		if !t.IsZero() {
			e.varint(t.At)
			e.string(t.Channel)
			e.string(t.Campaign)
			e.string(t.Content)
			e.string(t.CTA)
		}
	}
}

// extra reads what version 4 adds; Check then verifies it.
func (dec *decoder) extra(d *Data) {
	if n := dec.count("event totals", MaxTypes, 1); n > 0 {
		if n != len(d.Layout.Types) {
			dec.fail("%d event totals for %d tracked types", n, len(d.Layout.Types))
			return
		}
		d.Totals = make([]uint32, n)
		for i := range d.Totals {
			d.Totals[i] = uint32(dec.bounded("event total", MaxTotal))
		}
	} else if dec.err == nil {
		d.Totals = d.ringTotals() // each is what its ring holds
	}
	d.TotalsPartial = dec.bool()
	if n := dec.count("visits", MaxVisits, 3); n > 0 {
		gap, limit := dec.varint(), int(dec.bounded("session cap", MaxVisits))
		if dec.err != nil {
			return
		}
		if gap < 0 || !InRange(gap) || limit < n {
			dec.fail("session gap %d or cap %d out of range for %d visits", gap, limit, n)
			return
		}
		// The layout is this Data's own, just decoded: it records how the visits were grouped.
		d.Layout.SessionGap, d.Layout.SessionCap = gap, limit
		d.Sessions = make([]Session, n)
		for i := range d.Sessions {
			d.Sessions[i] = Session{From: dec.varint(), To: dec.varint(), N: uint32(dec.bounded("visit events", math.MaxUint32))}
		}
	}
	d.Question = dec.string()
	d.QuestionAt = dec.varint()
	d.Cart.Step = dec.string()
	for _, t := range [...]*Touch{&d.FirstTouch, &d.LastTouch, &d.HandoffTouch} {
		if dec.bool() {
			*t = Touch{At: dec.varint(), Channel: dec.string(), Campaign: dec.string(), Content: dec.string(), CTA: dec.string()}
			if dec.err == nil && t.IsZero() {
				dec.fail("an empty touch marked present")
			}
		}
	}
}
