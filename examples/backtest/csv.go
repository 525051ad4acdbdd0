package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// table is a CSV file read whole: a header and its rows.
type table struct {
	path   string
	column map[string]int
	rows   [][]string
}

// readCSV reads the CSV file at path, whose fields are separated by sep, and checks that it
// has the columns the mapping needs.
func readCSV(path string, sep rune, need ...string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = sep
	records, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(records) < 2 {
		return nil, fmt.Errorf("%s: no data rows", path)
	}
	t := &table{path: path, column: map[string]int{}, rows: records[1:]}
	for i, name := range records[0] {
		t.column[strings.TrimPrefix(name, "\ufeff")] = i
	}
	for _, name := range need {
		if _, ok := t.column[name]; !ok {
			return nil, fmt.Errorf("%s: no column %q", path, name)
		}
	}
	return t, nil
}

// str returns the field of row in column name.
func (t *table) str(row []string, name string) string { return strings.TrimSpace(row[t.column[name]]) }

// num returns the field as a number; ok is false for an empty or malformed field.
func (t *table) num(row []string, name string) (v float64, ok bool) {
	v, err := strconv.ParseFloat(t.str(row, name), 64)
	return v, err == nil
}
