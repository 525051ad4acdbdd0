package leadscore

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leadscore/leadscore/internal/classify"
	"github.com/leadscore/leadscore/internal/fastpath"
	"github.com/leadscore/leadscore/internal/text"

	"github.com/leadscore/leadscore/internal/state"
)

// Signal is a buying signal (or a negative one) detected for a lead.
type Signal struct {
	Kind     string    `json:"kind"`
	Strength float64   `json:"strength"` // in [0, 1]
	At       time.Time `json:"at"`       // when the evidence happened (the latest event behind it, or the evaluation time)
	Reason   string    `json:"reason"`   // the evidence, e.g. "3 pricing-page visits in 6 days"
}

// SignalConfig configures a built-in detector (by its Kind) or defines a custom one (a new Kind
// with a When expression over the lead, the scores, counts and built-in signals). A built-in
// detector takes only the keys it uses (see the Signal… constants); others are errors.
type SignalConfig struct {
	Kind     string   `json:"kind" yaml:"kind"`
	Off      bool     `json:"off,omitempty" yaml:"off,omitempty"`
	Min      int      `json:"min,omitempty" yaml:"min,omitempty"`
	Window   Duration `json:"window,omitempty" yaml:"window,omitempty"`
	Timeout  Duration `json:"timeout,omitempty" yaml:"timeout,omitempty"`
	List     string   `json:"list,omitempty" yaml:"list,omitempty"`
	When     string   `json:"when,omitempty" yaml:"when,omitempty"`
	Strength float64  `json:"strength,omitempty" yaml:"strength,omitempty"` // custom detectors: default 1
	Reason   string   `json:"reason,omitempty" yaml:"reason,omitempty"`     // custom detectors: default the kind
	// SessionGap (frequent_visits): page views within it of each other are one visit
	// (default DefaultSessionGap, 30m). A new gap groups the views to come; the visits a
	// State already holds stay as they were grouped.
	SessionGap Duration `json:"session_gap,omitempty" yaml:"session_gap,omitempty"`
	// RenamedFrom lists the kinds a custom detector was called before, newest first: stored
	// States keep its active bit under the new name, so a rename raises nothing anew.
	RenamedFrom []string `json:"renamed_from,omitempty" yaml:"renamed_from,omitempty"`
}

// Built-in signal kinds and their defaults. Every built-in detector runs unless a SignalConfig
// turns it off; the keys in brackets can be configured. The detectors that judge the lead
// itself (target_account, competitor, student, generic_email) read its email, title, name,
// company and company domain: Lead's fields, or for another lead type the expressions of
// Config.LeadFields.
const (
	// SignalFrequentEngagement: at least 4 engagement actions (email clicks and replies,
	// downloads, webinars, events, forms, social shares and comments; not email opens, which
	// privacy proxies fake) within 30 days [min, window].
	SignalFrequentEngagement = "frequent_engagement"
	// SignalFrequentVisits: at least 3 visits to product or pricing pages within 14 days
	// [min, window]; needs "product" and/or "pricing" in Config.Pages. A visit is a session:
	// the page views within 30 minutes of each other [session_gap], so three pricing views in
	// two minutes are one visit. The State keeps the latest visits — 2 × min, at least 16 and
	// at most 64 (MaxVisits) — and counts them exactly; min is at most 64.
	SignalFrequentVisits = "frequent_visits"
	// SignalQuestion: a question, email reply or call within 30 days [window]; a call is the
	// strongest (1), a question 0.8, a reply 0.6. The reason quotes the latest question's
	// text within the window (a question event's Properties["text"]; one line, at most
	// MaxQuestionText bytes), for the hand-off.
	SignalQuestion = "question"
	// SignalAbandonedCart: a cart_add or checkout_start with no purchase within 1 day
	// [timeout], remembered for 14 days [window]; a started checkout is the stronger. The
	// reason names the step the latest cart event stopped at (its Properties["step"]:
	// "shipping", "payment", "price", …; one line, at most MaxCartStep bytes), so the
	// reminder can address that concern.
	SignalAbandonedCart = "abandoned_cart"
	// SignalTargetAccount: the lead's company name or domain, email, name or title is on the
	// "targets" list [list]. Like competitor, it is not run when the config has no such list.
	SignalTargetAccount = "target_account"
	// SignalVelocity: engagement rising fast — event-rule points of the last 7 days [window]
	// running at twice or more their usual pace, with at least 10 points [min] of it recent.
	// The usual pace is measured over four windows, like "this week against the previous
	// three"; both are decayed sums, so the signal is order-free and mergeable. A lead whose
	// first engagement is less than a window old has no usual pace yet, and no velocity.
	SignalVelocity = "velocity"
	// SignalCompetitor (negative): the lead's company or email is on the "competitors" list
	// [list]. A competitor is disqualified: never a hand-off, never moved to convert. When the
	// lead's fields cannot be read (a nil *Lead, a failing lead_fields expression), the check
	// fails closed: the lead is disqualified and the failure is in Result.Errors.
	SignalCompetitor = "competitor"
	// SignalJobSeeker (negative): at least 1 careers-page view within 60 days [min, window];
	// needs "careers" in Config.Pages.
	SignalJobSeeker = "job_seeker"
	// SignalStudent (negative): an academic email domain or a student title.
	SignalStudent = "student"
	// SignalGenericEmail (negative): a free-mail address (gmail, yahoo, …).
	SignalGenericEmail = "generic_email"
)

var builtinSignalKinds = []string{
	SignalFrequentEngagement, SignalFrequentVisits, SignalQuestion, SignalAbandonedCart,
	SignalTargetAccount, SignalVelocity, SignalCompetitor, SignalJobSeeker, SignalStudent,
	SignalGenericEmail,
}

// builtinKind is a built-in detector's kind as its index in builtinSignalKinds, so that
// evaluation dispatches on an integer rather than comparing strings per detector per lead.
type builtinKind uint8

const (
	kindFrequentEngagement builtinKind = iota
	kindFrequentVisits
	kindQuestion
	kindAbandonedCart
	kindTargetAccount
	kindVelocity
	kindCompetitor
	kindJobSeeker
	kindStudent
	kindGenericEmail
)

// maxSignalKinds bounds built-in plus custom kinds: a State keeps the active ones as a bit set.
const maxSignalKinds = 64

// engagementTypes are what frequent_engagement counts.
var engagementTypes = []string{
	EventEmailClick, EventEmailReply, EventContentDownload, EventWebinarRegistered,
	EventWebinarAttended, EventEventAttended, EventFormSubmit, EventSocialShare, EventSocialComment,
}

// questionStrength and questionNames follow the question detector's rings: call, question,
// email reply.
var (
	questionStrength = [...]float64{1, 0.8, 0.6}
	questionNames    = [...]string{"phone call", "question", "email reply"}
)

// velocityRatio is how many times its usual pace engagement must run for the velocity signal.
const velocityRatio = 2

// signalDefaults are the built-in detectors' settings, and which keys each accepts.
type signalDefaults struct {
	min             int
	window, timeout Duration
	list            string
	keys            string // the SignalConfig keys it accepts
}

var builtinSignalDefaults = map[string]signalDefaults{
	SignalFrequentEngagement: {min: 4, window: Duration(30 * Day), keys: "min window"},
	SignalFrequentVisits:     {min: 3, window: Duration(14 * Day), keys: "min window session_gap"},
	SignalQuestion:           {min: 1, window: Duration(30 * Day), keys: "window"},
	SignalAbandonedCart:      {window: Duration(14 * Day), timeout: Duration(Day), keys: "window timeout"},
	SignalTargetAccount:      {list: "targets", keys: "list"},
	SignalVelocity:           {min: 10, window: Duration(7 * Day), keys: "min window"},
	SignalCompetitor:         {list: "competitors", keys: "list"},
	SignalJobSeeker:          {min: 1, window: Duration(60 * Day), keys: "min window"},
	SignalStudent:            {keys: ""},
	SignalGenericEmail:       {keys: ""},
}

// detector is a compiled signal detector.
type detector[L any] struct {
	kind     string
	builtin  builtinKind // for a built-in detector (when == nil)
	bit      int
	min      int
	window   int64
	timeout  int64
	gap      int64 // frequent_visits: the session gap
	list     classify.List
	listName string
	// listCache remembers the list's memberships per worker, as the classifications are
	// (listCached: the list has entries and the fast path holds it): a list detector asks
	// five fields of every lead, and List.Contains normalises each and looks up its domains.
	listCache  fastpath.ListCache
	listCached bool
	rings      []int    // tracked types it counts
	labels     []string // per ring, how the reason names it
	// labelsJoined is labels joined with "/", made once at compile time.
	labelsJoined string
	// lastSlots are the indexes in Data.Times of the newest slot of each ring, in the
	// Scorer's layout (every State a Scorer evaluates is viewed in it): whether anything
	// happened in a window is one load per ring (placeRings).
	lastSlots []int
	when      *program[L]
	strength  float64
	reason    string
}

// signalKindIndex numbers the built-in kinds and the config's custom ones, for has_signal and
// the State's bit set.
func signalKindIndex(cfg []SignalConfig) map[string]int {
	m := make(map[string]int, len(builtinSignalKinds)+len(cfg))
	for i, k := range builtinSignalKinds {
		m[k] = i
	}
	for _, s := range cfg {
		if _, ok := m[s.Kind]; !ok && s.Kind != "" {
			m[s.Kind] = len(m)
		}
	}
	return m
}

// compileSignals builds the detectors: every built-in one with its defaults unless configured
// or turned off, then the custom ones in config order.
func compileSignals[L any](c *exprCompiler[L], cfg []SignalConfig, lists map[string]classify.List, pages map[string][]string, errs *errorList) []detector[L] {
	const kind = ItemSignal
	byKind := map[string]SignalConfig{}
	for i, sc := range cfg {
		id := sc.Kind
		if id == "" {
			id = fmt.Sprintf("signals[%d]", i)
			errs.addf(kind, id, "kind", "a signal needs a kind")
			continue
		}
		if len(id) > state.MaxName || !utf8.ValidString(id) {
			errs.addf(kind, shortName(id), "kind", "a signal kind is at most %d bytes of UTF-8 (this one has %d): a State records active signals by kind", state.MaxName, len(id))
			continue
		}
		if _, dup := byKind[id]; dup {
			errs.addf(kind, id, "kind", "signal kind configured twice")
		}
		byKind[id] = sc
	}
	if n := len(signalKindIndex(cfg)); n > maxSignalKinds {
		errs.addf(kind, "signals", "", "%d signal kinds, at most %d", n, maxSignalKinds)
	}
	bits := signalKindIndex(cfg)
	claimed := map[string]string{} // former kind → the signal that takes its active bit
	for _, sc := range cfg {
		if _, builtin := builtinSignalDefaults[sc.Kind]; builtin && len(sc.RenamedFrom) > 0 {
			errs.addf(kind, sc.Kind, "renamed_from", "a built-in signal keeps its kind; renamed_from is for custom signals")
		} else if sc.Kind != "" {
			checkRenames(kind, sc.Kind, "kind", sc.RenamedFrom, func(f string) bool { _, ok := bits[f]; return ok }, claimed, errs)
		}
	}
	var out []detector[L]
	for _, k := range builtinSignalKinds {
		def := builtinSignalDefaults[k]
		sc, configured := byKind[k]
		if sc.Off {
			continue
		}
		if configured {
			checkSignalKeys(sc, def.keys, errs)
		}
		d := detector[L]{kind: k, builtin: builtinKind(slices.Index(builtinSignalKinds, k)), bit: bits[k], min: def.min, window: int64(def.window), timeout: int64(def.timeout), listName: def.list}
		if sc.Min != 0 {
			d.min = sc.Min
			if sc.Min < 0 {
				errs.addf(kind, k, "min", "min %d is negative", sc.Min)
			}
		}
		if k == SignalFrequentVisits {
			d.gap = int64(DefaultSessionGap)
			if sc.SessionGap > 0 {
				d.gap = int64(sc.SessionGap)
			}
			if d.min > state.MaxVisits {
				errs.addf(kind, k, "min", "min %d is more visits than a State keeps (at most %d)", d.min, state.MaxVisits)
			}
		}
		for field, v := range map[string]Duration{"window": sc.Window, "timeout": sc.Timeout, "session_gap": sc.SessionGap} {
			if v < 0 {
				errs.addf(kind, k, field, "negative duration %v", v)
			}
		}
		if sc.Window > 0 {
			d.window = int64(sc.Window)
		}
		if sc.Timeout > 0 {
			d.timeout = int64(sc.Timeout)
		}
		if sc.List != "" {
			d.listName = sc.List
			if _, ok := lists[sc.List]; !ok {
				errs.addf(kind, k, "list", "no list %q in the config's lists", sc.List)
			}
		}
		if _, ok := lists[d.listName]; d.listName != "" && !ok {
			continue // a list detector without its list could never fire: not run, not listed
		}
		d.list = lists[d.listName]
		if c.fast != nil && d.listName != "" {
			d.listCache, d.listCached = c.fast.CacheList(d.listName)
		}
		switch k {
		case SignalFrequentEngagement:
			d.addRings(c.types, engagementTypes, nil)
		case SignalQuestion:
			d.addRings(c.types, []string{EventCall, EventQuestion, EventEmailReply}, nil)
		case SignalFrequentVisits:
			d.addCategoryRings(c.types, pages, "product", "pricing")
		case SignalJobSeeker:
			d.addCategoryRings(c.types, pages, "careers")
		case SignalAbandonedCart:
			d.addRings(c.types, []string{EventPurchase}, nil)
		}
		if (k == SignalFrequentVisits || k == SignalJobSeeker) && len(d.rings) == 0 {
			continue // no page category to count: it could never fire
		}
		for _, r := range d.rings {
			c.types.keep(r, max(d.min, 1))
		}
		d.labelsJoined = strings.Join(d.labels, "/")
		out = append(out, d)
	}
	for _, sc := range cfg {
		if _, builtin := builtinSignalDefaults[sc.Kind]; builtin || sc.Kind == "" {
			continue
		}
		if sc.When == "" {
			errs.addf(kind, sc.Kind, "when", "unknown built-in signal kind%s; a custom signal needs a when expression", c.types.hints.hint(sc.Kind, "built-in signal kinds", func() []string { return builtinSignalKinds }, true))
			continue
		}
		checkSignalKeys(sc, "when strength reason off", errs)
		if sc.Off {
			continue
		}
		d := detector[L]{kind: sc.Kind, bit: bits[sc.Kind], strength: 1, reason: sc.Reason}
		if sc.Strength != 0 {
			d.strength = sc.Strength
			if !finite(sc.Strength) || sc.Strength < 0 || sc.Strength > 1 {
				errs.addf(kind, sc.Kind, "strength", "strength %v is not in [0, 1]", sc.Strength)
			}
		}
		if d.reason == "" {
			d.reason = sc.Kind
		}
		d.when = c.compile(sc.When, scopeGuard, true, errs, kind, sc.Kind, "when")
		out = append(out, d)
	}
	return out
}

func checkSignalKeys(sc SignalConfig, allowed string, errs *errorList) {
	set := map[string]bool{
		"min": sc.Min != 0, "window": sc.Window != 0, "timeout": sc.Timeout != 0, "list": sc.List != "",
		"when": sc.When != "", "strength": sc.Strength != 0, "reason": sc.Reason != "",
		"session_gap": sc.SessionGap != 0,
	}
	ok := map[string]bool{"off": true}
	for _, k := range strings.Fields(allowed) {
		ok[k] = true
	}
	for _, k := range text.SortedKeys(set) {
		if set[k] && !ok[k] {
			errs.addf(ItemSignal, sc.Kind, k, "the %s detector does not use %s", sc.Kind, k)
		}
	}
}

func (d *detector[L]) addRings(types *typeTable, names []string, labels []string) {
	for i, n := range names {
		if r, ok := types.lookup(n); ok {
			d.rings = append(d.rings, r)
			label := n
			if labels != nil {
				label = labels[i]
			}
			d.labels = append(d.labels, label)
		}
	}
}

// addCategoryRings counts page views of the given categories, those the config defines.
func (d *detector[L]) addCategoryRings(types *typeTable, pages map[string][]string, categories ...string) {
	for _, cat := range categories {
		if _, ok := pages[cat]; ok {
			d.addRings(types, []string{categoryType(cat)}, []string{cat})
		}
	}
}

// categoryType is the tracked type of page views in a category: count("page_view/pricing", "14d").
func categoryType(category string) string { return EventPageView + "/" + category }

// detectorSets partitions the built-in detectors by what must be in the State for them to
// fire, as bit sets of their indexes in Scorer.detectors. Most evaluations are of a quiet
// lead, for which only the lead-reading detectors can fire: detect tests each set's condition
// once and visits only the detectors of the sets that pass, instead of asking every detector
// whether it is idle. Iterating a set's bits in ascending order keeps detector order, which
// is the order of Result.Signals and Result.Errors.
type detectorSets struct {
	// window: frequent_engagement, frequent_visits, question and job_seeker, which count
	// events in a window: none fires without an event (idle then checks its window).
	window uint64
	// windowSlots are the window detectors' lastSlots together, and windowMax their widest
	// window: when no event of any of their types is newer than the widest window's start,
	// none of them can fire, which one pass over the newest slots tells (windowQuiet). A
	// lead whose only events are of other types (page views a config does not categorise)
	// is the common case it saves.
	windowSlots []int
	windowMax   int64
	cart        uint64 // abandoned_cart: only with a cart (Cart.At set)
	// velocity: only with engagement points (Vel[0].N).
	velocity uint64
	// lead: student, generic_email, and target_account and competitor when their list has
	// entries (an empty list matches nothing): they read the lead, not the State.
	lead uint64
}

// partitionDetectors builds the sets of ds's built-in detectors; the conditions are idle's.
// It reads their lastSlots: the rings must be placed (placeRings).
func partitionDetectors[L any](ds []detector[L]) (sets detectorSets) {
	for i := range ds {
		d := &ds[i]
		if d.when != nil {
			continue // custom: detectCustom runs it
		}
		if i >= 64 { // built-in detectors come first, and there are ten
			panic(fmt.Sprintf("leadscore: built-in detector %s at index %d", d.kind, i))
		}
		bit := uint64(1) << i
		switch d.builtin {
		case kindFrequentEngagement, kindFrequentVisits, kindJobSeeker, kindQuestion:
			sets.window |= bit
			sets.windowMax = max(sets.windowMax, d.window)
			for _, k := range d.lastSlots {
				if !slices.Contains(sets.windowSlots, k) {
					sets.windowSlots = append(sets.windowSlots, k)
				}
			}
		case kindAbandonedCart:
			sets.cart |= bit
		case kindVelocity:
			sets.velocity |= bit
		case kindTargetAccount, kindCompetitor:
			if d.list.Len() > 0 { // lists are fixed at Compile: idle would say so every time
				sets.lead |= bit
			}
		default:
			sets.lead |= bit
		}
	}
	return sets
}

// windowQuiet reports that no window detector can fire at: nothing at all happened since
// the widest window opened, or none of their types did. Each detector's window starts no
// earlier than the widest one's, and its slots are among windowSlots, so then every one of
// them is idle; otherwise idle decides per detector.
func (ds *detectorSets) windowQuiet(sd *state.Data, at int64) bool {
	from := state.Window(at, ds.windowMax)
	if sd.Latest < from {
		return true
	}
	newest, times := int64(noTime), sd.Times // noTime is the smallest time: an empty slot leaves it
	for _, k := range ds.windowSlots {
		newest = max(newest, times[k])
	}
	return newest == noTime || newest < from
}

// detect runs the built-in detectors and sets the active kinds in the environment.
func (s *Scorer[L]) detect(sc *scratch[L], sd *state.Data, at int64, res *Result) {
	bound := true
	// The sets whose condition sd meets (the conditions are idle's). A window detector
	// among them may still be idle: no event of its types in its own window.
	ds := &s.detectorSets
	m := ds.lead
	if bound && sd.Events != 0 && ds.window != 0 && !ds.windowQuiet(sd, at) {
		m |= ds.window
	}
	if sd.Cart.At != noTime {
		m |= ds.cart
	}
	if sd.Vel[0].N != 0 {
		m |= ds.velocity
	}
	for ; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		d := &s.detectors[i]
		if ds.window&(1<<i) != 0 && (sd.Latest < state.Window(at, d.window) || d.idle(sd, bound, at)) {
			continue // nothing since its window opened, or nothing of its types
		}
		s.detectOne(d, sc, sd, bound, at, res)
	}
	sc.boxedOK = false
}

// detectOne runs built-in detector d and records what it finds in res and the environment.
func (s *Scorer[L]) detectOne(d *detector[L], sc *scratch[L], sd *state.Data, bound bool, at int64, res *Result) {
	var (
		sig Signal
		ok  bool
		err error
	)
	// The lead-reading detectors run at nearly every evaluation and seldom fire: they decide
	// first, and only a detector that fires builds its Signal (as studentSignal and
	// genericEmailSignal do for detectBuiltin).
	switch d.builtin {
	case kindStudent:
		var acad, stud bool
		if acad, stud, err = s.studentClasses(sc); err == nil {
			if !acad && !stud {
				return
			}
			sig, ok, err = s.studentReason(sc, acad, stud)
		}
	case kindGenericEmail:
		var free bool
		if free, err = s.leadClassBool(sc, classFree); err == nil {
			if !free {
				return
			}
			sig, ok, err = s.genericEmailReason(sc)
		}
	default:
		sig, ok, err = s.detectBuiltin(d, sc, sd, bound, at)
	}
	if err != nil {
		// A lead field that fails to evaluate: reported, and a competitor check that
		// cannot run fails closed, as a disqualifying rule does.
		res.Errors = append(res.Errors, runtimeError(ItemSignal, d.kind, "lead_fields", err))
		if d.builtin == kindCompetitor {
			res.Disqualified = true
		}
		return
	}
	if ok {
		sig.Kind = d.kind
		sig.Strength = min(max(sig.Strength, 0), 1)
		if sig.At.IsZero() {
			sig.At = res.At
		}
		res.Signals = append(res.Signals, sig)
		sc.env.Signals[d.bit] = true
		if d.builtin == kindCompetitor {
			res.Disqualified = true
		}
	}
}

// placeRings finds the newest slot of each of d's rings in l.
func (d *detector[L]) placeRings(l *state.Layout) {
	d.lastSlots = d.lastSlots[:0]
	for _, r := range d.rings {
		if c := l.RingCap[r]; c > 0 {
			d.lastSlots = append(d.lastSlots, l.RingOffset[r]+c-1)
		}
	}
}

// idle reports, from what the State holds, that a built-in detector cannot fire at: no
// event in its window, no cart, an empty list. detectBuiltin makes the same checks; this
// one is cheap enough to make before the call, which most detectors at most evaluations
// do not need (a quiet lead, a config that never mentions signals). detect makes its
// checks a set of detectors at a time (detectorSets) and asks it only of a window detector
// that passed them; the sets must stay in step with it.
func (d *detector[L]) idle(sd *state.Data, bound bool, at int64) bool {
	switch d.builtin {
	case kindFrequentEngagement, kindFrequentVisits, kindJobSeeker, kindQuestion:
		from := state.Window(at, d.window)
		if !bound || sd.Events == 0 || sd.Latest < from {
			return true
		}
		for _, k := range d.lastSlots {
			if t := sd.Times[k]; t != noTime && t >= from {
				return false
			}
		}
		return true // not one of its types since the window opened (rings are ascending)
	case kindAbandonedCart:
		return sd.Cart.At == noTime
	case kindTargetAccount, kindCompetitor:
		return d.list.Len() == 0
	case kindVelocity:
		return sd.Vel[0].N == 0
	}
	return false
}

// detectCustom runs the config-defined detectors; they may read scores and built-in signals.
func (s *Scorer[L]) detectCustom(sc *scratch[L], res *Result) {
	fired := false
	for _, i := range s.custom {
		d := &s.detectors[i]
		ok, err := s.runBool(sc, d.when)
		if err != nil {
			res.Errors = append(res.Errors, runtimeError(ItemSignal, d.kind, "when", err))
			continue
		}
		if ok {
			res.Signals = append(res.Signals, Signal{Kind: d.kind, Strength: d.strength, At: res.At, Reason: d.reason})
			sc.env.Signals[d.bit] = true
			fired = true
		}
	}
	if fired {
		sc.boxedOK = false
	}
}

// detectBuiltin runs one built-in detector; the error is a lead field's that failed.
func (s *Scorer[L]) detectBuiltin(d *detector[L], sc *scratch[L], sd *state.Data, bound bool, at int64) (Signal, bool, error) {
	switch d.builtin {
	case kindFrequentEngagement, kindFrequentVisits, kindJobSeeker:
		if !bound || len(d.rings) == 0 || sd.Events == 0 || sd.Latest < state.Window(at, d.window) {
			return Signal{}, false, nil // nothing in the window: no event since it opened
		}
		var (
			n           int
			first, last int64
			exact       bool
			views       uint64
		)
		if d.builtin == kindFrequentVisits {
			n, views, first, last, exact = s.visitCounts(sd, state.Window(at, d.window), at)
		} else {
			n, first, last, exact = s.windowCounts(d, sd, at)
		}
		if n < max(d.min, 1) {
			return Signal{}, false, nil
		}
		count := strconv.Itoa(n)
		if !exact {
			count = "at least " + count // more than the State keeps: evidence says what it knows
		}
		var reason string
		switch d.builtin {
		case kindFrequentEngagement:
			reason = fmt.Sprintf("%s engagement actions in %s (%s)", count, humanSpan(state.Add(last, -first)), s.windowParts(d, sd, at))
		case kindFrequentVisits:
			reason = count + " " + d.labelsJoined + "-page visits in " + humanSpan(state.Add(last, -first))
			if views > uint64(n) {
				reason += " (" + strconv.FormatUint(views, 10) + " page views)"
			}
		default:
			reason = fmt.Sprintf("%s careers-page %s in the last %s", count, text.Plural(n, "visit", "visits"), humanSpan(d.window))
		}
		return Signal{Strength: float64(n) / float64(2*max(d.min, 1)), At: unixToTime(last), Reason: reason}, true, nil
	case kindQuestion:
		if !bound || sd.Events == 0 || sd.Latest < state.Window(at, d.window) {
			return Signal{}, false, nil
		}
		best, bestAt := -1, int64(noTime)
		for i, r := range d.rings {
			t := state.LastIn(sd.Ring(r), at)
			if t == noTime || t < state.Window(at, d.window) {
				continue
			}
			if best < 0 || questionStrength[i] > questionStrength[best] {
				best, bestAt = i, t
			}
		}
		if best < 0 {
			return Signal{}, false, nil
		}
		reason := fmt.Sprintf("%s %s ago", questionNames[best], humanSpan(state.Add(at, -bestAt)))
		if sd.Question != "" && sd.QuestionAt >= state.Window(at, d.window) && sd.QuestionAt <= at {
			reason += fmt.Sprintf(", asking %q", sd.Question) // quoted: free text, printed by Explain
		}
		return Signal{Strength: questionStrength[best], At: unixToTime(bestAt), Reason: reason}, true, nil
	case kindAbandonedCart:
		c := sd.Cart
		if c.At == noTime || at < state.Add(c.At, d.timeout) || at > state.Add(c.At, d.window) {
			return Signal{}, false, nil
		}
		if bound && len(d.rings) > 0 {
			if p := state.LastIn(sd.Ring(d.rings[0]), at); p != noTime && p >= c.At {
				return Signal{}, false, nil // bought after all
			}
		}
		what, strength := "cart", 0.7
		if c.Checkout {
			what, strength = "checkout", 1
		}
		reason := fmt.Sprintf("%s abandoned %s ago", what, humanSpan(state.Add(at, -c.At)))
		if c.Step != "" {
			reason += fmt.Sprintf(" at the %q step", c.Step)
		}
		if c.Value > 0 {
			reason += fmt.Sprintf(" (value %s)", formatPoints(c.Value))
		}
		return Signal{Strength: strength, At: unixToTime(c.At), Reason: reason + ", no purchase since"}, true, nil
	case kindTargetAccount, kindCompetitor:
		return s.listSignal(d, sc)
	case kindStudent:
		return s.studentSignal(sc)
	case kindGenericEmail:
		return s.genericEmailSignal(sc)
	case kindVelocity:
		sig, ok := velocitySignal(d, sd, at)
		return sig, ok, nil
	}
	return Signal{}, false, nil
}

// windowCounts counts a detector's events in its window, and the span of the events its
// rings hold; exact is false when a ring is full of events in the window and the State cannot
// tell how many more there were (state.Data.CountTotal).
func (s *Scorer[L]) windowCounts(d *detector[L], sd *state.Data, at int64) (n int, first, last int64, exact bool) {
	first, last, exact = math.MaxInt64, math.MinInt64, true
	from := state.Window(at, d.window)
	for _, r := range d.rings {
		ring := sd.Ring(r)
		if len(ring) == 0 || ring[len(ring)-1] < from {
			continue // empty (None is the smallest time), or nothing since the window opened
		}
		k, ok := sd.CountTotal(r, from, at)
		n, exact = n+int(k), exact && ok
		held, f, l := state.SpanIn(ring, from, at)
		first, last = min(first, f), max(last, l)
		if int(k) > held { // earlier events the ring no longer holds: they are no earlier than these
			first = min(first, max(from, sd.First))
		}
	}
	return n, first, last, exact
}

// windowParts names the counts per ring, "email_click ×2, webinar_attended ×1", for a reason:
// built only for a signal that fires, since evaluating must not allocate otherwise.
func (s *Scorer[L]) windowParts(d *detector[L], sd *state.Data, at int64) string {
	var b strings.Builder
	for i, r := range d.rings {
		if k, _ := sd.CountTotal(r, state.Window(at, d.window), at); k > 0 {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s ×%d", d.labels[i], k)
		}
	}
	return b.String()
}

// contains reports whether v is on d's list, remembered per worker where the list is.
func (d *detector[L]) contains(sc *scratch[L], v string) bool {
	if d.listCached {
		return sc.fast.Contains(d.listCache, v)
	}
	return d.list.Contains(v)
}

// listSignal matches the lead's company, company domain, email, name and title against the
// detector's list.
func (s *Scorer[L]) listSignal(d *detector[L], sc *scratch[L]) (Signal, bool, error) {
	if d.list.Len() == 0 {
		return Signal{}, false, nil
	}
	for _, f := range [...]struct {
		what  string
		field leadField
	}{
		{"company", fieldCompany}, {"company domain", fieldCompanyDomain}, {"email", fieldEmail},
		{"person", fieldName}, {"title", fieldTitle},
	} {
		v, err := s.leadField(sc, f.field)
		if err != nil {
			return Signal{}, false, err
		}
		if v != "" && d.contains(sc, v) {
			return Signal{Strength: 1, Reason: fmt.Sprintf("%s %q is on the %s list", f.what, v, d.listName)}, true, nil
		}
	}
	return Signal{}, false, nil
}

// genericEmailSignal finds a free-mail address.
func (s *Scorer[L]) genericEmailSignal(sc *scratch[L]) (Signal, bool, error) {
	free, err := s.leadClassBool(sc, classFree)
	if err != nil || !free {
		return Signal{}, false, err
	}
	return s.genericEmailReason(sc)
}

// genericEmailReason is generic_email's signal once it fires: the email is read only for the
// reason.
func (s *Scorer[L]) genericEmailReason(sc *scratch[L]) (Signal, bool, error) {
	email, err := s.leadField(sc, fieldEmail)
	if err != nil {
		return Signal{}, false, err
	}
	return Signal{Strength: 1, Reason: "free-mail address (" + classify.Domain(email) + ")"}, true, nil
}

// studentSignal finds an academic email domain or a student title.
func (s *Scorer[L]) studentSignal(sc *scratch[L]) (Signal, bool, error) {
	acad, stud, err := s.studentClasses(sc)
	if err != nil || !acad && !stud {
		return Signal{}, false, err
	}
	return s.studentReason(sc, acad, stud)
}

// studentClasses decides student: whether the lead's email domain is academic, and its title
// a student's.
func (s *Scorer[L]) studentClasses(sc *scratch[L]) (acad, stud bool, err error) {
	if acad, err = s.leadClassBool(sc, classAcademic); err != nil {
		return false, false, err
	}
	seniority, err := s.leadClassString(sc, classSeniority)
	if err != nil {
		return false, false, err
	}
	return acad, seniority == SeniorityStudent, nil
}

// studentReason is student's signal once it fires: the fields themselves are read only for
// the reason. The lead-reading detectors fire for a good share of a population (a student
// title, a free-mail address), so their reasons are built without fmt: quoteTitle writes what
// %q would, and the text is the same.
func (s *Scorer[L]) studentReason(sc *scratch[L], acad, stud bool) (Signal, bool, error) {
	var domain, title string
	if acad {
		email, err := s.leadField(sc, fieldEmail)
		if err != nil {
			return Signal{}, false, err
		}
		domain = classify.Domain(email)
	}
	if stud {
		var err error
		if title, err = s.leadField(sc, fieldTitle); err != nil {
			return Signal{}, false, err
		}
	}
	switch {
	case acad && stud:
		return Signal{Strength: 1, Reason: quoteTitle("student title ", title, " and academic domain ", domain)}, true, nil
	case acad:
		return Signal{Strength: 0.7, Reason: "academic email domain " + domain}, true, nil
	case stud:
		return Signal{Strength: 0.7, Reason: quoteTitle("student title ", title, "", "")}, true, nil
	}
	return Signal{}, false, nil
}

// quoteTitle returns before, title quoted as %q quotes it (strconv.AppendQuote), then the
// two strings after: built in a buffer on the stack, one allocation for the string. A title
// of printable ASCII without quote or backslash, as nearly every title is, quotes as itself
// between quotes, which is copied rather than quoted rune by rune.
func quoteTitle(before, title, after, more string) string {
	var space [128]byte
	b := append(space[:0], before...)
	if quotesAsItself(title) {
		b = append(b, '"')
		b = append(b, title...)
		b = append(b, '"')
	} else {
		b = strconv.AppendQuote(b, title)
	}
	b = append(b, after...)
	b = append(b, more...)
	return string(b)
}

// quotesAsItself reports whether strconv.Quote(s) is s between double quotes: every byte is
// printable ASCII (space to tilde) and none is a double quote or a backslash.
func quotesAsItself(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// velocity compares two decayed sums of the event-rule points a lead earned: a fast one
// (half-life: the window) and a slow one (four windows). For a steady pace, fast/slow is 1/4;
// for a burst it approaches 1; pace = 4 × fast/slow is "this window against its usual".
func velocitySignal[L any](d *detector[L], sd *state.Data, at int64) (Signal, bool) {
	fast, slow, ok := velocity(sd, at, d.window)
	if !ok || fast < float64(d.min) || slow <= 0 {
		return Signal{}, false
	}
	if state.Span(at, sd.Vel[1].First) < float64(d.window) {
		return Signal{}, false // no usual pace yet to rise above: a new lead's first burst is not velocity
	}
	pace := velocitySpan * fast / slow
	if pace < velocityRatio {
		return Signal{}, false
	}
	reason := fmt.Sprintf("engagement at %.1f× its usual pace (%s points in about %s)", pace, formatPoints(fast), humanSpan(d.window))
	return Signal{Strength: (pace - 1) / (velocitySpan - 1), At: unixToTime(sd.Vel[0].Ref), Reason: reason}, true
}

// velocity returns the fast and slow decayed sums of engagement points at time at.
func velocity(sd *state.Data, at int64, window int64) (fast, slow float64, ok bool) {
	if sd.Vel[0].N == 0 {
		return 0, 0, false
	}
	return sd.Vel[0].Value(at, window, false), sd.Vel[1].Value(at, window*velocitySpan, false), true
}

// velocitySpan is how many windows the slow (usual-pace) sum spans.
const velocitySpan = 4

// humanSpan renders a duration the way a reader says it: "6 days", "5 hours", "1 week".
// Reasons are built on every evaluation in which a signal fires, so it uses strconv rather
// than fmt: one allocation instead of three.
func humanSpan(d int64) string {
	dur := time.Duration(d)
	count := func(unit time.Duration, one, many string) string {
		n := int(math.Round(float64(dur) / float64(unit)))
		return strconv.Itoa(n) + " " + text.Plural(n, one, many)
	}
	switch {
	case dur >= 14*Day && dur%Week == 0:
		return count(Week, "week", "weeks")
	case dur >= Day:
		return count(Day, "day", "days")
	case dur >= time.Hour:
		return count(time.Hour, "hour", "hours")
	case dur >= time.Minute:
		return count(time.Minute, "minute", "minutes")
	}
	return "under a minute"
}

// BuiltinSignalKinds returns the kinds of the built-in detectors, in a fresh slice.
func BuiltinSignalKinds() []string { return slices.Clone(builtinSignalKinds) }

// SignalKinds returns every signal kind s can report: the built-in detectors that are on and
// the config's custom ones, in the order Result.Signals lists them.
func (s *Scorer[L]) SignalKinds() []string {
	out := make([]string, len(s.detectors))
	for i, d := range s.detectors {
		out[i] = d.kind
	}
	return out
}

// DefaultSessionGap is frequent_visits' default session gap: page views within 30 minutes of
// each other are one visit, as web analytics count them.
const DefaultSessionGap = Duration(30 * time.Minute)

// visitWatchOf is how the State groups page views into visits for the frequent_visits
// detector among ds (none: no visits are kept).
func visitWatchOf[L any](ds []detector[L]) visitWatch {
	for _, d := range ds {
		if d.builtin == kindFrequentVisits && d.when == nil {
			return visitWatch{rings: d.rings, gap: d.gap, cap: min(max(2*d.min, 16), state.MaxVisits)}
		}
	}
	return visitWatch{}
}
