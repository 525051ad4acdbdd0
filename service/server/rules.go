package server

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/leadscore/leadscore"
	"github.com/leadscore/leadscore/internal/yamljson"
)

// LoadRules reads a rule set file, JSON or YAML, and decodes it strictly (leadscore.ParseConfig:
// unknown keys and wrongly typed values are errors). YAML is told from JSON as the command
// line tells it: by the extension (.yaml, .yml; .json), else by the first character. YAML is
// converted to JSON and parsed like JSON, so both formats mean exactly the same; a problem in
// a YAML file is reported by the item and key it is in, as line and column would be those of
// the converted text. The rules are not compiled here: New does that, reporting every bad rule.
func LoadRules(path string) (leadscore.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return leadscore.Config{}, fmt.Errorf("rules: %w", err)
	}
	if !isYAML(path, data) {
		cfg, err := leadscore.ParseConfig(data)
		if err != nil {
			return cfg, fmt.Errorf("rules %s: %w", path, err)
		}
		return cfg, nil
	}
	js, err := yamlToJSON(data)
	if err != nil {
		return leadscore.Config{}, fmt.Errorf("rules %s: %w", path, err)
	}
	cfg, err := leadscore.ParseConfig(js)
	var ce *leadscore.ConfigError
	if errors.As(err, &ce) {
		item := ""
		if ce.Kind != "" {
			item = fmt.Sprintf("%s %q: ", ce.Kind, ce.RuleID)
		}
		return cfg, fmt.Errorf("rules %s: %s%v", path, item, ce.Err)
	}
	if err != nil {
		return cfg, fmt.Errorf("rules %s: %w", path, err)
	}
	return cfg, nil
}

// isYAML tells YAML from JSON by the file's extension, else by its first character.
func isYAML(name string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return true
	case ".json":
		return false
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(trimmed) > 0 && trimmed[0] != '{' && trimmed[0] != '['
}

// yamlToJSON converts one YAML document to JSON, as the command line does
// (internal/yamljson: YAML 1.2, aliases expanded within a limit counted before any is
// expanded, so that a file of a few kilobytes cannot make the service allocate gigabytes
// at start), reporting what does not fit a Config at its line and column.
func yamlToJSON(data []byte) ([]byte, error) {
	doc, err := yamljson.Convert(data, reflect.TypeFor[leadscore.Config]())
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(doc.JSON)) == 0 || string(doc.JSON) == "null" {
		return nil, errors.New("empty rule set")
	}
	return doc.JSON, nil
}
