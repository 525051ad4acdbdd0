package leadscore

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/leadscore/leadscore/internal/suggest"
	"github.com/leadscore/leadscore/internal/text"
)

// Lead fields are what the built-in detectors that judge the lead itself read of it: its
// email, title, name, company and company domain. For the standard Lead they are its fields;
// for any other lead type, Config.LeadFields maps them to expressions over lead. Either way
// they are compiled expressions, so a detector reads a lead of any type the same way, on the
// fast path where the expression is a field read — and a detector that cannot read its input
// is a compile error, never a detector that silently never fires.

// leadField is one input of the lead-reading detectors.
type leadField uint8

const (
	fieldEmail leadField = iota
	fieldTitle
	fieldName
	fieldCompany
	fieldCompanyDomain
	nLeadFields
)

// leadFieldKeys are the Config.LeadFields keys, by leadField.
var leadFieldKeys = [nLeadFields]string{"email", "title", "name", "company", "company_domain"}

// leadFieldDefaults read the standard Lead, by leadField: what a key left out means.
var leadFieldDefaults = [nLeadFields]string{"lead.Email", "lead.Title", "lead.Name", "lead.Company.Name", "lead.Company.Domain"}

// leadFieldExample shows, by leadField, what a mapping for another lead type looks like.
var leadFieldExample = [nLeadFields]string{"lead.WorkEmail", "lead.JobTitle", "lead.FullName", "lead.Account.Name", "lead.Account.Domain"}

// leadClass is a classification of a lead field that a detector decides on. It is compiled
// as an expression over the field (seniority(lead.Title)), so that the fast path's memo
// shares it with the rules that ask the same: the title is classified once per evaluation.
type leadClass uint8

const (
	classSeniority leadClass = iota // seniority(title), for student
	classAcademic                   // academic(email), for student
	classFree                       // free_email(email), for generic_email
	nLeadClasses
)

// leadClasses says, per classification, the function, the field it reads, what it returns
// and the detector that needs it.
var leadClasses = [nLeadClasses]struct {
	fn       string
	field    leadField
	want     resultKind
	detector string
}{
	classSeniority: {"seniority", fieldTitle, resultString, SignalStudent},
	classAcademic:  {"academic", fieldEmail, resultBool, SignalStudent},
	classFree:      {"free_email", fieldEmail, resultBool, SignalGenericEmail},
}

// detectorFields lists, per built-in detector that reads the lead, the fields it reads.
var detectorFields = map[string][]leadField{
	SignalTargetAccount: {fieldCompany, fieldCompanyDomain, fieldEmail, fieldName, fieldTitle},
	SignalCompetitor:    {fieldCompany, fieldCompanyDomain, fieldEmail, fieldName, fieldTitle},
	SignalStudent:       {fieldEmail, fieldTitle},
	SignalGenericEmail:  {fieldEmail},
}

// compileLeadFields compiles the lead fields the detectors read: each mapped one from
// mapping, the others from the standard Lead's field. A mapping key that is not a lead field
// is an error; a mapped field no detector reads is a warning. A detector whose fields L cannot
// give without a mapping is an error naming the fields and how to map them when the config
// asks for it (it has its list, or a SignalConfig names it); a detector that only runs by
// default (student, generic_email) is left out instead, with a warning saying the same, so
// a lead type without emails or titles needs no configuration to compile. It returns the
// fields, which of them read the standard path, and the detectors that run.
func compileLeadFields[L any](c *exprCompiler[L], mapping map[string]string, signals []SignalConfig, detectors []detector[L], errs *errorList, warns *[]Warning) (out [nLeadFields]*program[L], std [nLeadFields]bool, kept []detector[L]) {
	known := leadFieldKeys[:]
	for _, key := range text.SortedKeys(mapping) {
		if !isLeadFieldKey(key) {
			errs.addf(ItemConfig, "lead_fields", key, "unknown lead field %q%s; the lead fields are %s",
				shortName(key), suggest.Hint(key, known, true), strings.Join(known, ", "))
		}
	}
	var needed [nLeadFields][]string // per field, the detectors that read it
	for _, d := range detectors {
		if d.when != nil {
			continue
		}
		for _, f := range detectorFields[d.kind] {
			needed[f] = append(needed[f], d.kind)
		}
	}
	var missing [nLeadFields]string // per needed field: why the standard field does not do
	for f := range nLeadFields {
		key := leadFieldKeys[f]
		src, mapped := mapping[key]
		switch {
		case mapped && len(needed[f]) == 0:
			*warns = append(*warns, Warning{Kind: ItemConfig, ID: "lead_fields", Field: key,
				Message: fmt.Sprintf("no detector reads the %s: the detectors that read the lead are off, or have no list", key),
				Fix:     fmt.Sprintf(`remove %q from "lead_fields", or turn on a detector that reads it`, key)})
			continue
		case len(needed[f]) == 0:
			continue
		case mapped:
			out[f] = c.compileAs(src, scopeValue, resultString, errs, ItemConfig, "lead_fields", key)
			continue
		}
		var probe errorList // the standard field is a default: its failure is reported below, per detector
		if out[f] = c.compileAs(leadFieldDefaults[f], scopeValue, resultString, &probe, ItemConfig, "lead_fields", key); out[f] == nil {
			missing[f] = fieldProblem(probe)
		}
		std[f] = true
	}
	kept = detectors[:0:0]
	for _, d := range detectors {
		var keys, why, example []string
		for _, f := range detectorFields[d.kind] {
			if missing[f] == "" {
				continue
			}
			keys = append(keys, leadFieldKeys[f])
			if !strings.Contains(missing[f], "has no field") && !slices.Contains(why, missing[f]) {
				why = append(why, missing[f]) // a field of the wrong type, say
			}
			example = append(example, fmt.Sprintf("%q: %q", leadFieldKeys[f], leadFieldExample[f]))
		}
		if d.when != nil || len(keys) == 0 {
			kept = append(kept, d)
			continue
		}
		reason := ""
		if len(why) > 0 {
			reason = " (" + strings.Join(why, "; ") + ")"
		}
		_, listed := builtinSignalDefaults[d.kind]
		listed = listed && builtinSignalDefaults[d.kind].list != ""
		if !listed && !slices.ContainsFunc(signals, func(sc SignalConfig) bool { return sc.Kind == d.kind }) {
			*warns = append(*warns, Warning{Kind: ItemSignal, ID: d.kind, Field: "lead_fields",
				Message: fmt.Sprintf("the %s detector does not run: it reads the lead's %s, which lead type %s does not have%s",
					d.kind, andList(keys), reflect.TypeFor[L](), reason),
				Fix: fmt.Sprintf(`map %s in "lead_fields", e.g. "lead_fields": {%s}, or turn the detector off to silence this: {"kind": %q, "off": true} in "signals"`,
					text.Plural(len(keys), "it", "them"), strings.Join(example, ", "), d.kind)})
			continue
		}
		errs.addf(ItemSignal, d.kind, "lead_fields",
			"the %s detector reads the lead's %s, which lead type %s does not have%s: map %s in the config's lead_fields, e.g. \"lead_fields\": {%s} ('' for a field your leads lack), or turn the detector off: {\"kind\": %q, \"off\": true}",
			d.kind, andList(keys), reflect.TypeFor[L](), reason,
			text.Plural(len(keys), "it", "them"), strings.Join(example, ", "), d.kind)
	}
	return out, std, kept
}

// compileLeadClasses compiles the classifications the kept detectors decide on, over the
// same sources as their fields (a mapping, or the standard path).
func compileLeadClasses[L any](c *exprCompiler[L], mapping map[string]string, fields [nLeadFields]*program[L], detectors []detector[L]) (out [nLeadClasses]*program[L]) {
	for k, lc := range leadClasses {
		if fields[lc.field] == nil || !slices.ContainsFunc(detectors, func(d detector[L]) bool { return d.kind == lc.detector && d.when == nil }) {
			continue
		}
		src := leadFieldDefaults[lc.field]
		if m, ok := mapping[leadFieldKeys[lc.field]]; ok {
			src = m
		}
		var errs errorList // the field compiled, so its classification does: nothing to report
		if out[k] = c.compileAs(lc.fn+"(("+src+"))", scopeValue, lc.want, &errs, ItemConfig, "lead_fields", leadFieldKeys[lc.field]); out[k] == nil {
			// A named string type (type Email string) is no string to a typed function.
			out[k] = c.compileAs(lc.fn+"(string(("+src+")))", scopeValue, lc.want, &errs, ItemConfig, "lead_fields", leadFieldKeys[lc.field])
		}
	}
	return out
}

// leadClassString and leadClassBool evaluate classification k; like a standard field, a
// standard path that cannot be read is absent ("", false). A nil program (the field did not
// compile; unreachable for a kept detector) is absent too.
func (s *Scorer[L]) leadClassString(sc *scratch[L], k leadClass) (string, error) {
	p := s.leadClasses[k]
	if p == nil {
		return "", nil
	}
	v, err := s.runString(sc, p)
	if err != nil && s.leadFieldStd[leadClasses[k].field] {
		return "", nil
	}
	return v, err
}

func (s *Scorer[L]) leadClassBool(sc *scratch[L], k leadClass) (bool, error) {
	p := s.leadClasses[k]
	if p == nil {
		return false, nil
	}
	v, err := s.runBool(sc, p)
	if err != nil && s.leadFieldStd[leadClasses[k].field] {
		return false, nil
	}
	return v, err
}

// andList joins names as a reader lists them: "a", "a and b", "a, b and c".
func andList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func isLeadFieldKey(key string) bool {
	for _, k := range leadFieldKeys {
		if k == key {
			return true
		}
	}
	return false
}

// fieldProblem says in a few words why a standard field does not compile for a lead type:
// the first line of the checker's message, without the rule's name.
func fieldProblem(probe errorList) string {
	if len(probe) == 0 {
		return "not a string"
	}
	msg := probe[0].(*RuleError).Err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// leadField returns the lead's field f for the evaluation in sc, computing it once per
// evaluation (fillEnv forgets them). A standard field (lead.Company.Name, say) that cannot be
// read — a nil pointer on its path, a key a map lead lacks — is absent, "", as an empty
// Company is in a Lead; a mapping that fails is an error, which the detector reports.
func (s *Scorer[L]) leadField(sc *scratch[L], f leadField) (string, error) {
	if sc.leadHave&(1<<f) != 0 {
		return sc.leadVals[f], sc.leadErrs[f]
	}
	p := s.leadFields[f]
	if p == nil { // no detector reads it (unreachable: detectors only ask for their fields)
		return "", nil
	}
	v, err := s.runString(sc, p)
	if err != nil && s.leadFieldStd[f] {
		v, err = "", nil
	}
	sc.leadVals[f], sc.leadErrs[f] = v, err
	sc.leadHave |= 1 << f
	return v, err
}
