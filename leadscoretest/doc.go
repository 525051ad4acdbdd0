// Package leadscoretest provides utilities for testing lead-scoring rule sets.
package leadscoretest
