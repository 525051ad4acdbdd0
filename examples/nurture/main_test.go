package main

import (
	"bytes"
	"testing"
)

// The story Joe's README row tells: the same persona on a track per tier (holiday, buying
// guides, a store appointment), win-back once the sale falls through, and a second-sale track
// after his first purchase. The output is deterministic, so it is compared whole.
func TestJoeMovesTracks(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

const want = `date       what                    total tier  stage    persona  track
2026-04-01 signup                   23.0 cold  nurture  joe      holiday
2026-04-03 page_view                24.8 cold  nurture  joe      holiday
2026-04-03 page_view                26.7 cold  nurture  joe      holiday
2026-04-04 email_click              29.3 cold  nurture  joe      holiday
2026-04-07 check_in                 42.3 warm  nurture  joe      buying-guides
2026-04-08 call                     66.3 hot   convert  joe      store-appointment
2026-04-10 no_decision              62.0 hot   nurture  joe      win-back
2026-05-11 (a month later)          30.5 warm  nurture  joe      win-back
2026-05-12 page_view                33.1 warm  nurture  joe      win-back
2026-05-12 cart_add                 43.0 warm  nurture  joe      win-back
2026-05-13 meeting                  65.5 hot   convert  joe      store-appointment
2026-05-13 purchase                100.1 hot   expand   first-time-buyer second-sale
`
