// Package text holds the small formatting helpers that the scoring package, the rule-set
// analysis, the test kit and the command line all need, written once: positions in source
// bytes, plurals, grouped thousands, points rounded for reading, and sorted map keys.
//
// Contract: every function is pure and total — any input, including offsets outside the data
// and negative numbers, gives a defined result and never panics.
package text
