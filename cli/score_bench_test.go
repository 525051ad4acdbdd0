package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadscore/leadscore"
)

// BenchmarkScoreCommand is `leadscore score` on the B2B preset over leads with a few events
// each (1–4: page views, email clicks, a download, now and then a demo request), read from
// stdin and written to a discarding stdout: one op is one lead. Run with -cpu 1 for the
// one-core figure. It reports leads/s and MB/s of input.
func BenchmarkScoreCommand(b *testing.B) {
	rules := filepath.Join(b.TempDir(), "b2b.json")
	cfg, err := json.Marshal(leadscore.DefaultB2B())
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(rules, cfg, 0o600); err != nil {
		b.Fatal(err)
	}
	const leads = 20_000
	input := benchLeadsJSONL(leads)
	b.SetBytes(int64(len(input)) / leads)
	b.ResetTimer()
	for done := 0; done < b.N; done += leads {
		var errOut bytes.Buffer
		code := Main[leadscore.Lead]([]string{"score", "-rules", rules}, Options{
			Stdin: bytes.NewReader(input), Stdout: io.Discard, Stderr: &errOut,
		})
		if code != ExitOK {
			b.Fatalf("exit %d: %s", code, errOut.String())
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "leads/s")
}

// benchLeadsJSONL writes n leads as score reads them, deterministically.
func benchLeadsJSONL(n int) []byte {
	titles := []string{"VP Sales", "Marketing Manager", "CTO", "Head of Operations", "Student", "Director of IT", "Engineer"}
	domains := []string{"globex.example", "initech.example", "gmail.com", "umbrella.example", "hooli.example", "uni.edu"}
	types := []struct{ typ, path string }{
		{leadscore.EventPageView, "/pricing"}, {leadscore.EventPageView, "/blog/scoring"}, {leadscore.EventEmailClick, ""},
		{leadscore.EventContentDownload, ""}, {leadscore.EventWebinarAttended, ""}, {leadscore.EventDemoRequest, ""},
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	type event struct {
		Type string    `json:"type"`
		Time time.Time `json:"time"`
		Path string    `json:"path,omitempty"`
	}
	for i := range n {
		h := uint64(i)*0x9e3779b97f4a7c15 + 7
		pick := func(m int) int { h ^= h >> 29; h *= 0xbf58476d1ce4e5b9; return int(h>>33) % m }
		var events []event
		for k := range 1 + pick(4) {
			ty := types[pick(len(types)-1)]
			if pick(20) == 0 {
				ty = types[len(types)-1]
			}
			events = append(events, event{Type: ty.typ, Path: ty.path, Time: t0.Add(time.Duration(k*37+pick(600)) * time.Minute)})
		}
		line, _ := json.Marshal(map[string]any{
			"lead": map[string]any{
				"id": fmt.Sprintf("lead-%d", i), "email": fmt.Sprintf("p%d@%s", i, domains[pick(len(domains))]),
				"title": titles[pick(len(titles))], "company": map[string]any{"employees": 10 + pick(3000), "industry": "software"},
			},
			"events": events,
		})
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}
