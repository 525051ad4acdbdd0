package leadscore

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"

	"github.com/leadscore/leadscore/internal/exprread"
	"github.com/leadscore/leadscore/internal/state"
	"github.com/leadscore/leadscore/internal/suggest"
	"github.com/leadscore/leadscore/internal/text"
)

// Event is one thing a lead did (or that happened to them): a page view, an email click, a
// call, a purchase. Only Type and Time are required.
//
// In JSON it is what a webhook sends: {"id", "type", "time" (RFC 3339), "channel", "path",
// "value", "category", "campaign", "content", "cta", "properties"}.
type Event struct {
	ID       string    `json:"id,omitempty"`       // optional; a repeated ID is ignored (at-least-once delivery)
	Type     string    `json:"type"`               // see EventTypes
	Time     time.Time `json:"time"`               // when it happened; must be set
	Channel  string    `json:"channel,omitempty"`  // where it happened: see ChannelWeb and the others; free text
	Path     string    `json:"path,omitempty"`     // page path for web events ("/pricing"); a full URL is read from its path
	Value    float64   `json:"value,omitempty"`    // order or cart value, where there is one
	Category string    `json:"category,omitempty"` // page category; when empty, derived from Path through Config.Pages for page_view
	// Campaign, Content and CTA attribute the event, with Channel: the campaign or program
	// it answers, the content it is about ("pricing-guide.pdf") and the call to action that
	// led to it ("free-trial-button"). The State keeps the first, last and hand-off touches
	// (State.FirstTouch), for the funnel per channel, campaign or content.
	Campaign string `json:"campaign,omitempty"`
	Content  string `json:"content,omitempty"`
	CTA      string `json:"cta,omitempty"`
	// Properties carries anything else; rules read it as event.Properties.name.
	Properties map[string]any `json:"properties,omitempty"`
}

// The event vocabulary: the types the presets and built-in detectors understand. Config rules
// may use other types after declaring them in Config.EventTypes; an undeclared type in a rule
// is a compile error. Events of any type are taken unless Config.StrictEventTypes is set.
const (
	EventIdentify           = "identify"
	EventSignup             = "signup"
	EventFormSubmit         = "form_submit"
	EventEmailSent          = "email_sent"
	EventEmailOpen          = "email_open"
	EventEmailClick         = "email_click"
	EventEmailReply         = "email_reply"
	EventEmailUnsubscribe   = "email_unsubscribe"
	EventEmailBounce        = "email_bounce"
	EventPageView           = "page_view"
	EventContentDownload    = "content_download"
	EventWebinarRegistered  = "webinar_registered"
	EventWebinarAttended    = "webinar_attended"
	EventEventAttended      = "event_attended"
	EventSocialFollow       = "social_follow"
	EventSocialLike         = "social_like"
	EventSocialShare        = "social_share"
	EventSocialComment      = "social_comment"
	EventQuestion           = "question"
	EventCall               = "call"
	EventDemoRequest        = "demo_request"
	EventCartAdd            = "cart_add"
	EventCheckoutStart      = "checkout_start"
	EventPurchase           = "purchase"
	EventOpportunityCreated = "opportunity_created"
	EventOpportunityLost    = "opportunity_lost"
	EventNoDecision         = "no_decision"
	EventSalesTouch         = "sales_touch"
	EventSalesAccepted      = "sales_accepted" // sales accepted a hand-off (it meets the SLA of a stage sales owns)
	EventSalesRejected      = "sales_rejected" // sales rejected a hand-off; Properties["reason"] says why (sla.go)
	EventChurn              = "churn"
	EventReferral           = "referral"

	// Personal interactions: "more personal interactions (a call, a meeting, an office visit)
	// weigh more than impersonal ones (an email open)". A check-in is a visit to a store or
	// venue (a loyalty-app or social check-in, or staff recording a walk-in).
	EventCheckIn     = "check_in"
	EventMeeting     = "meeting"      // a scheduled meeting with sales, in person or on video
	EventOfficeVisit = "office_visit" // the lead came to your office or showroom
)

// The channel vocabulary: where an event happened (Event.Channel). The presets weigh the
// personal channels (PersonalChannels: a person on the other side, in real time) above the
// impersonal ones. Channel is free text: an event with another channel, or none, is taken as
// it always was and simply matches no channel rule — a webhook that sends "sms" or "ads" is
// not refused.
const (
	ChannelWeb    = "web"
	ChannelEmail  = "email"
	ChannelPhone  = "phone"
	ChannelChat   = "chat" // live chat with a person; a bot's answers are web
	ChannelStore  = "store"
	ChannelEvent  = "event" // trade shows, conferences, meet-ups
	ChannelSocial = "social"
)

var channels = []string{ChannelWeb, ChannelEmail, ChannelPhone, ChannelChat, ChannelStore, ChannelEvent, ChannelSocial}

// Channels returns the channel vocabulary, in a fresh slice.
func Channels() []string { return slices.Clone(channels) }

// PersonalChannels returns the channels on which a person answers in real time (phone,
// chat, store, event), in a fresh slice: the presets score what happens on them above the
// same thing on web, email or social.
func PersonalChannels() []string {
	return []string{ChannelPhone, ChannelChat, ChannelStore, ChannelEvent}
}

var vocabulary = []string{
	EventIdentify, EventSignup, EventFormSubmit, EventEmailSent, EventEmailOpen, EventEmailClick,
	EventEmailReply, EventEmailUnsubscribe, EventEmailBounce, EventPageView, EventContentDownload,
	EventWebinarRegistered, EventWebinarAttended, EventEventAttended, EventSocialFollow,
	EventSocialLike, EventSocialShare, EventSocialComment, EventQuestion, EventCall,
	EventDemoRequest, EventCartAdd, EventCheckoutStart, EventPurchase, EventOpportunityCreated,
	EventOpportunityLost, EventNoDecision, EventSalesTouch, EventChurn, EventReferral,
	EventSalesAccepted, EventSalesRejected, EventCheckIn, EventMeeting, EventOfficeVisit,
}

// EventTypes returns the built-in event vocabulary, in a fresh slice.
func EventTypes() []string { return slices.Clone(vocabulary) }

// The range of times the library accepts, for events and for now: [1900-01-01, 2200-01-01).
// Every plausible event fits, and so does every difference of two such times in the State's
// arithmetic, which saturates instead of wrapping.
var (
	MinTime = time.Unix(0, state.MinTime).UTC()
	MaxTime = time.Unix(0, state.MaxTime).UTC()
)

// unixTime converts t for the State's arithmetic, rejecting the zero time and times outside
// the representable range.
func unixTime(what string, t time.Time) (int64, error) {
	if t.IsZero() {
		return 0, fmt.Errorf("%w: %s is the zero time", ErrEventTime, what)
	}
	// Both ends are whole seconds, so comparing seconds is Before, at a fraction of its cost
	// (every Score and Observe converts a time).
	if sec := t.Unix(); sec < minUnix || sec >= maxUnix {
		return 0, fmt.Errorf("%w: %s %s is outside [1900-01-01, 2200-01-01)", ErrEventTime, what, t.Format(time.RFC3339))
	}
	return t.UnixNano(), nil
}

// minUnix and maxUnix are the range in Unix seconds: the State's, which MinTime and MaxTime
// show.
var minUnix, maxUnix = state.MinTime / int64(time.Second), state.MaxTime / int64(time.Second)

// clampTime converts t for the State's arithmetic, taking a time outside [MinTime, MaxTime)
// (the zero time included) to the nearest end of the range.
func clampTime(t time.Time) int64 {
	switch {
	case t.Before(MinTime):
		return state.MinTime
	case !t.Before(MaxTime):
		return state.MaxTime - 1
	}
	return t.UnixNano()
}

func validateEvent(ev *Event) (int64, error) {
	if ev.Type == "" {
		return 0, ErrEventType
	}
	if !finite(ev.Value) {
		return 0, fmt.Errorf("%w: %v (event type %q)", ErrEventNaN, ev.Value, ev.Type)
	}
	return unixTime("event time", ev.Time)
}

// pageMatcher assigns page categories from Config.Pages path prefixes.
type pageMatcher struct {
	prefixes []pagePrefix // longest first, so the first match is the most specific
}

type pagePrefix struct {
	prefix, category string
	ring             int // the event-time ring of the category's page views (categoryType); -1: none
}

func compilePages(pages map[string][]string, errs *errorList) pageMatcher {
	var m pageMatcher
	for _, cat := range text.SortedKeys(pages) {
		if cat == "" {
			errs.addf(ItemConfig, "pages", "", "empty page category name")
		}
		for _, p := range pages[cat] {
			if p == "" {
				errs.addf(ItemConfig, "pages", cat, "empty path prefix (it would match every page)")
				continue
			}
			m.prefixes = append(m.prefixes, pagePrefix{prefix: p, category: cat, ring: -1})
		}
	}
	slices.SortStableFunc(m.prefixes, func(a, b pagePrefix) int { return len(b.prefix) - len(a.prefix) })
	for i := 1; i < len(m.prefixes); i++ {
		if a, b := m.prefixes[i-1], m.prefixes[i]; strings.EqualFold(a.prefix, b.prefix) {
			errs.addf(ItemConfig, "pages", b.category, "path prefix %q is also in category %q", b.prefix, a.category)
		}
	}
	return m
}

// category returns the category of path: that of the longest prefix that matches it whole
// segments at a time ("/pricing" matches "/pricing", "/pricing/teams" and "/pricing?plan=x" but
// not "/pricingfoo"), compared without regard to ASCII case. A full URL is matched by its path.
func (m pageMatcher) category(path string) string {
	category, _ := m.match(path)
	return category
}

// match is category, also returning the event-time ring of the category's page views
// (-1: none).
func (m pageMatcher) match(path string) (category string, ring int) {
	path = urlPath(path)
	for _, p := range m.prefixes {
		if len(path) < len(p.prefix) || !strings.EqualFold(path[:len(p.prefix)], p.prefix) {
			continue
		}
		if len(path) == len(p.prefix) || strings.HasSuffix(p.prefix, "/") {
			return p.category, p.ring
		}
		switch path[len(p.prefix)] {
		case '/', '?', '#', '.':
			return p.category, p.ring
		}
	}
	return "", -1
}

// urlPath strips a scheme and host: "https://x.example/pricing" → "/pricing".
func urlPath(s string) string {
	i := strings.Index(s, "://")
	if i < 0 || strings.IndexByte(s[:i], '/') >= 0 {
		return s
	}
	rest := s[i+3:]
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		return rest[j:]
	}
	return "/"
}

// checkEventTypes holds what a rule set says about event types to its vocabulary, beyond the
// types rules name (an unknown one is an error where it is named): a declared type that looks
// like a misspelling of a built-in one is a warning, and so is an event rule comparing
// event.Type with a type the rule set does not know but that looks like one it does — an
// error under StrictEventTypes. Suggestions for the comparisons come from the compile's
// (typeTable.hints): past its first maxHints, a comparison with an unknown type is an error
// without a suggestion, or no warning.
func checkEventTypes[L any](cfg Config, events []eventRule[L], types *typeTable, errs *errorList, warns *[]Warning) {
	vocab := suggest.NewSet(vocabulary)
	for _, typ := range cfg.EventTypes {
		if typ == "" || slices.Contains(vocabulary, typ) {
			continue
		}
		if c := vocab.Closest(typ); c != "" {
			*warns = append(*warns, Warning{Kind: ItemConfig, ID: "event_types", Message: fmt.Sprintf(
				"declared event type %q is not built in%s: rules on %q never see %q events",
				shortName(typ), suggest.Format(c, true), shortName(typ), c),
				Fix: fmt.Sprintf(`remove %q from "event_types" and name the built-in %q in the rules instead, unless %q is a type of your own`, shortName(typ), c, shortName(typ))})
		}
	}
	for _, r := range events {
		if r.when == nil {
			continue // none, or it did not compile
		}
		id, src := r.id, r.when.src
		for _, lit := range r.when.typeLits {
			if types.known[lit.value] {
				continue
			}
			meant := types.hints.closest(lit.value, "event types", func() []string { return text.SortedKeys(types.known) })
			hint := ""
			if meant != "" {
				hint = suggest.Format(meant, true)
			}
			switch {
			case cfg.StrictEventTypes:
				msg := fmt.Sprintf("event.Type is compared with %q, a type strict_event_types does not know%s", shortName(lit.value), hint)
				errs.add(ItemEventRule, id, "when", (&file.Error{Location: lit.loc, Message: msg}).Bind(file.NewSource(src)))
			case hint != "":
				*warns = append(*warns, Warning{Kind: ItemEventRule, ID: id, Field: "when", Message: fmt.Sprintf(
					"event.Type is compared with %q, which is no known event type%s: no event of a known type matches it", shortName(lit.value), hint),
					Fix: fmt.Sprintf(`in "when" of event rule %q, compare event.Type with %q instead of %q, or declare %q in "event_types" if it is a type of your own`,
						id, meant, shortName(lit.value), shortName(lit.value))})
			}
		}
	}
}

// typeLiteral is a string an expression compares event.Type with.
type typeLiteral struct {
	value string
	loc   file.Location
}

// typeLiterals finds the strings an expression compares event.Type with: event.Type == "x",
// "x" != event.Type, event.Type in ["x", "y"]. tree is the expression as parsed without the
// configuration (Limits.checkCounting), before type checking rewrites it.
func typeLiterals(tree *parser.Tree) []typeLiteral {
	var out []typeLiteral
	ast.Walk(&tree.Node, visitorFunc(func(n *ast.Node) {
		if b, ok := (*n).(*ast.BinaryNode); ok {
			for _, s := range exprread.ComparedEventTypes(b) {
				out = append(out, typeLiteral{s.Value, s.Location()})
			}
		}
	}))
	return out
}

// strictEventTypes returns the event types Observe takes under cfg.StrictEventTypes, or nil
// when any type is taken.
func strictEventTypes(cfg Config) map[string]bool {
	if !cfg.StrictEventTypes {
		return nil
	}
	known := make(map[string]bool, len(vocabulary)+len(cfg.EventTypes))
	for _, t := range vocabulary {
		known[t] = true
	}
	for _, t := range cfg.EventTypes {
		known[t] = true
	}
	return known
}

// unknownEventError is the error for an event whose type a strict vocabulary (the built-in
// one and declared) does not know.
func unknownEventError(typ string, declared []string) error {
	known := append(slices.Clip(vocabulary), declared...)
	return fmt.Errorf("%w %q%s: strict_event_types takes only the built-in types and the config's event_types",
		ErrUnknownEventType, shortName(typ), suggest.Hint(typ, known, true))
}
