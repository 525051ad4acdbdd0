package leadbeam

import (
	"encoding/json"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// digestUpdates reduces a pipeline's Updates to one leadDigest string per lead, the form
// replayed.digests gives, so that passert compares 10,000 strings rather than every Result.
func digestUpdates(s beam.Scope, updates beam.PCollection) beam.PCollection {
	s = s.Scope("digestUpdates")
	lines := beam.ParDo(s, toUpdateLine, updates)
	return beam.ParDo(s, joinDigest, beam.GroupByKey(s, lines))
}

func toUpdateLine(lead string, encoded []byte) (string, string, error) {
	var u struct {
		Seq int64 `json:"seq"`
	}
	if err := json.Unmarshal(encoded, &u); err != nil {
		return "", "", err
	}
	return lead, updateLine(u.Seq, encoded), nil
}

func joinDigest(lead string, lines func(*string) bool) string {
	var all []string
	var l string
	for lines(&l) {
		all = append(all, l)
	}
	return leadDigest(lead, all)
}

// digestStates reduces States to "lead hash" strings.
func digestStates(s beam.Scope, states beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("digestStates"), stateLine, states)
}

func stateLine(lead string, b []byte) string { return fmt.Sprintf("%s %x", lead, b) }

// decodeKinds turns Failures into "lead kind: reason" strings.
func failureLine(lead string, encoded []byte) (string, error) {
	var f Failure
	if err := json.Unmarshal(encoded, &f); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %s %s: %s", lead, f.Kind, f.EventID, f.Reason), nil
}

func init() {
	register.Function2x3(toUpdateLine)
	register.Function2x1(joinDigest)
	register.Function2x1(stateLine)
	register.Function2x2(failureLine)
	register.Iter1[string]()
}
