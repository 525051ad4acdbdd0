package leadscore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"unicode/utf8"
)

// The binary format is documented on MarshalBinary.
const (
	stateMagic   = "LSST"
	stateVersion = 1
)

// Decoding limits: a corrupt or hostile input cannot make UnmarshalBinary allocate more than
// these allow.
const (
	maxCodecString = 1 << 12
	maxCodecList   = 1 << 14
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrCorruptState is wrapped by every UnmarshalBinary error about the bytes themselves.
var ErrCorruptState = errors.New("leadscore: corrupt state")

// MarshalBinary encodes st. It implements encoding.BinaryMarshaler. The format, version 1:
//
//	"LSST"                   magic
//	1                        version (one byte)
//	payload                  see below; integers are varints (signed) or uvarints, floats are
//	                         8 little-endian bytes of their IEEE-754 bits, strings and lists
//	                         are a uvarint length followed by the items
//	CRC-32C                  4 little-endian bytes, over everything before it
//
// The payload is the State's layout — event-rule keys (ID, half-life, once), tracked event
// types with their capacities, signal kinds, journey stages — followed by the values laid out
// by it, so a State written under one rule set reads back under any other: UnmarshalBinary
// restores it as written, and the first Scorer call with a different rule set remaps it by
// name. Accumulators of event rules that are gone are dropped; rules that are new (or whose
// half-life or once flag changed) start empty; event times of types both track are kept.
//
// Versions: readers accept every version released so far; writers write the newest. A new
// version appends fields or changes their encoding and bumps the version byte; version 1 will
// stay readable.
func (st *State) MarshalBinary() ([]byte, error) {
	l := st.layout
	if l == nil {
		l = &layout{}
	}
	var e encoder
	e.buf = append(e.buf, stateMagic...)
	e.buf = append(e.buf, stateVersion)

	e.uvarint(uint64(len(l.rules)))
	for _, k := range l.rules {
		e.string(k.id)
		e.varint(int64(k.halfLife))
		e.bool(k.once)
	}
	e.uvarint(uint64(len(l.types)))
	for i, t := range l.types {
		e.string(t)
		e.uvarint(uint64(l.ringCap[i]))
	}
	e.uvarint(uint64(len(l.kinds)))
	for _, k := range l.kinds {
		e.string(k)
	}
	e.uvarint(uint64(len(l.stages)))
	for _, s := range l.stages {
		e.string(string(s))
	}
	e.varint(l.velocity)

	for _, a := range st.acc {
		e.accum(a)
	}
	e.uvarint(uint64(len(st.times)))
	for _, t := range st.times {
		e.varint(t)
	}
	e.uvarint(uint64(len(st.ids)))
	for _, id := range st.ids {
		e.buf = binary.LittleEndian.AppendUint64(e.buf, id)
	}
	e.uvarint(uint64(st.idNext))
	e.varint(st.latest)
	e.uvarint(st.events)
	e.string(st.tier)
	e.string(string(st.stage))
	e.varint(st.since)
	e.varint(st.first)
	e.uvarint(uint64(st.entered))
	e.uvarint(uint64(len(st.history)))
	for _, v := range st.history {
		e.string(string(v.stage))
		e.varint(v.from)
		e.varint(v.to)
	}
	e.bool(st.stalled)
	e.varint(st.mqlAt)
	e.bool(st.handedOff)
	e.uvarint(st.signals)
	e.varint(st.cart.at)
	e.float(st.cart.value)
	e.bool(st.cart.checkout)
	e.accum(st.vel[0])
	e.accum(st.vel[1])
	e.varint(st.evaluated)
	for _, b := range st.base {
		e.float(b)
	}
	e.uvarint(uint64(st.purchases))
	e.float(st.revenue)
	e.float(st.expansionRevenue)

	e.buf = binary.LittleEndian.AppendUint32(e.buf, crc32.Checksum(e.buf, castagnoli))
	return e.buf, nil
}

// UnmarshalBinary decodes data written by MarshalBinary into st. Truncated, corrupted or
// implausible bytes are an error wrapping ErrCorruptState; st is then left as it was.
func (st *State) UnmarshalBinary(data []byte) error {
	if len(data) < len(stateMagic)+1+4 || string(data[:len(stateMagic)]) != stateMagic {
		return fmt.Errorf("%w: not a leadscore state (bad magic or too short)", ErrCorruptState)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return fmt.Errorf("%w: checksum mismatch (truncated or damaged)", ErrCorruptState)
	}
	switch v := data[len(stateMagic)]; v {
	case 1:
	default:
		return fmt.Errorf("%w: unknown version %d (this library reads 1 to %d)", ErrCorruptState, v, stateVersion)
	}
	d := decoder{buf: body[len(stateMagic)+1:]}
	var out State
	d.state(&out)
	if d.err == nil && len(d.buf) != 0 {
		d.fail("%d bytes after the state", len(d.buf))
	}
	if d.err != nil {
		return fmt.Errorf("%w: %v", ErrCorruptState, d.err)
	}
	*st = out
	return nil
}

type encoder struct{ buf []byte }

func (e *encoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) varint(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }
func (e *encoder) float(v float64) {
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v))
}
func (e *encoder) bool(v bool) { e.buf = append(e.buf, boolByte(v)) }
func (e *encoder) string(s string) {
	e.uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *encoder) accum(a accum) {
	e.float(a.sum)
	e.varint(a.ref)
	e.varint(a.first)
	e.uvarint(a.n)
}

type decoder struct {
	buf []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail("bad unsigned integer")
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf)
	if n <= 0 {
		d.fail("bad integer")
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// count reads a list length, at most limit.
func (d *decoder) count(what string, limit int) int {
	n := d.uvarint()
	if n > uint64(limit) {
		d.fail("%d %s, at most %d", n, what, limit)
		return 0
	}
	return int(n)
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if len(d.buf) < n {
		d.fail("truncated")
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

func (d *decoder) float() float64 {
	b := d.bytes(8)
	if b == nil {
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(b))
	if math.IsNaN(v) || math.IsInf(v, 0) {
		d.fail("a non-finite number")
		return 0
	}
	return v
}

func (d *decoder) bool() bool {
	b := d.bytes(1)
	if b != nil && b[0] > 1 {
		d.fail("bad boolean")
	}
	return b != nil && b[0] == 1
}

func (d *decoder) string() string {
	b := d.bytes(d.count("string bytes", maxCodecString))
	if !utf8.Valid(b) {
		d.fail("a string is not UTF-8")
	}
	return string(b)
}

func (d *decoder) accum() accum {
	a := accum{sum: d.float(), ref: d.varint(), first: d.varint(), n: d.uvarint()}
	if a.sum < 0 || (a.n == 0) != (a.sum == 0 && a.ref == 0 && a.first == 0) || a.first > a.ref {
		d.fail("an inconsistent accumulator")
	}
	return a
}

func (d *decoder) state(st *State) {
	rules := make([]ruleKey, d.count("event rules", maxCodecList))
	for i := range rules {
		rules[i] = ruleKey{id: d.string(), halfLife: Duration(d.varint()), once: d.bool()}
		if rules[i].halfLife < 0 {
			d.fail("a negative half-life")
		}
	}
	types := make([]string, d.count("event types", maxCodecList))
	caps := make([]int, len(types))
	total := 0
	for i := range types {
		types[i] = d.string()
		caps[i] = d.count("event times per type", maxCountLimit)
		total += caps[i]
	}
	kinds := make([]string, d.count("signal kinds", maxSignalKinds))
	for i := range kinds {
		kinds[i] = d.string()
	}
	stages := make([]Stage, d.count("stages", maxStages))
	for i := range stages {
		stages[i] = Stage(d.string())
	}
	velocity := d.varint()
	if velocity < 0 {
		d.fail("a negative velocity window")
	}
	if d.err != nil {
		return
	}
	if len(rules) > 0 || len(types) > 0 || len(kinds) > 0 || len(stages) > 0 || velocity != 0 {
		st.layout = newLayout(rules, types, caps, kinds, stages, velocity)
		if len(st.layout.ruleIndex) != len(rules) || len(st.layout.typeIndex) != len(types) {
			d.fail("duplicate rule or type in the layout")
		}
	}
	if len(rules) > 0 {
		st.acc = make([]accum, len(rules))
		for i := range st.acc {
			st.acc[i] = d.accum()
		}
	}
	if n := d.count("event times", maxCodecList*maxCountLimit); n != total {
		d.fail("%d event times for a layout of %d", n, total)
	} else if n > 0 {
		st.times = make([]int64, n)
		for i := range st.times {
			st.times[i] = d.varint()
		}
		for i := range types {
			ring := st.times[st.layout.ringOffset[i] : st.layout.ringOffset[i]+caps[i]]
			if !slices.IsSorted(ring) {
				d.fail("event times of %q out of order", types[i])
			}
		}
	}
	if n := d.count("event IDs", maxCodecList); n > 0 {
		st.ids = make([]uint64, n)
		for i := range st.ids {
			if b := d.bytes(8); b != nil {
				st.ids[i] = binary.LittleEndian.Uint64(b)
			}
		}
	}
	st.idNext = d.count("ID position", max(len(st.ids)-1, 0))
	st.latest = d.varint()
	st.events = d.uvarint()
	st.tier = d.string()
	st.stage = Stage(d.string())
	st.since = d.varint()
	st.first = d.varint()
	st.entered = uint32(d.count("stage bits", math.MaxUint32))
	if n := d.count("stage visits", maxHistory); n > 0 {
		st.history = make([]stageVisit, n)
		for i := range st.history {
			st.history[i] = stageVisit{stage: Stage(d.string()), from: d.varint(), to: d.varint()}
		}
	}
	st.stalled = d.bool()
	st.mqlAt = d.varint()
	st.handedOff = d.bool()
	st.signals = d.uvarint()
	st.cart = cartMark{at: d.varint(), value: d.float(), checkout: d.bool()}
	st.vel = [2]accum{d.accum(), d.accum()}
	st.evaluated = d.varint()
	for i := range st.base {
		st.base[i] = d.float()
	}
	st.purchases = uint32(d.count("purchases", math.MaxUint32))
	st.revenue = d.float()
	st.expansionRevenue = d.float()
	if d.err == nil && st.events > 0 && st.first > st.latest {
		d.fail("first event after the latest")
	}
}
