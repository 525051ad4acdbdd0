package cli_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/leadscore/leadscore/cli"
)

// Lead is a service's own lead type; cases and leads use its JSON keys, rules its fields.
type Lead struct {
	Email     string `json:"email"`
	JobTitle  string `json:"job_title"`
	Employees int    `json:"employees"`
}

// The tools for a lead type of your own: test a YAML rule set against YAML cases.
func Example() {
	code := cli.Main[Lead]([]string{"test", "-v", "-rules", "testdata/example/rules.yaml", "testdata/example/cases.yaml"},
		cli.Options{Name: "mylead"})
	fmt.Println("exit", code)
	// Output:
	// ok   vp of a big firm asks for a demo
	// ok   a student is cold
	//
	// 2 cases: 2 passed, 0 failed
	//
	// coverage of 2 cases
	//   rules          3/3   100.0%
	//   tiers          2/2   100.0%
	//   personas       0/0   100.0%
	//   signals        0/5     0.0%  never raised: frequent_engagement, question, abandoned_cart, velocity, generic_email
	//   transitions    3/7    42.9%  never taken: nurture→convert (asked for sales), convert→expand, convert→nurture, expand→nurture
	// exit 0
}

// Score leads of your own type: JSON Lines (or a YAML list) in, one JSON result per lead out.
func ExampleMain() {
	leads := `{"lead": {"email": "dana@globex.example", "job_title": "CTO", "employees": 800}, "at": "2026-03-02"}`
	var out strings.Builder
	code := cli.Main[Lead]([]string{"score", "-rules", "testdata/example/rules.yaml"},
		cli.Options{Name: "mylead", Stdin: strings.NewReader(leads), Stdout: &out})
	var result struct {
		Email, Tier string
		Total       float64
	}
	if err := json.Unmarshal([]byte(out.String()), &result); err != nil {
		fmt.Println(err)
	}
	fmt.Println(code, result.Email, result.Tier, result.Total)
	// Output:
	// 0 dana@globex.example cold 50
}
