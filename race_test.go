//go:build race

package leadscore

const raceEnabled = true
