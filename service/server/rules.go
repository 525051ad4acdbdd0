package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/leadscore/leadscore"
	"go.yaml.in/yaml/v3"
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

// yamlToJSON converts one YAML document to JSON. YAML 1.2 as go.yaml.in/yaml/v3 reads it: a
// bare on, off, yes or no is a string, and so is a timestamp-like scalar.
func yamlToJSON(data []byte) ([]byte, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var v any
	if err := dec.Decode(&v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty rule set")
		}
		return nil, err
	}
	var more any
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one YAML document: a rule set is one")
	}
	v, err := jsonValue(v, "")
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// jsonValue makes a decoded YAML value encodable as JSON: mappings keyed by strings, numbers
// finite. at is the key path, for errors.
func jsonValue(v any, at string) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			var err error
			if v[k], err = jsonValue(e, at+"."+k); err != nil {
				return nil, err
			}
		}
		return v, nil
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			key, ok := k.(string)
			if !ok {
				key = fmt.Sprint(k) // a key YAML read as a number or bool: JSON keys are strings
			}
			var err error
			if out[key], err = jsonValue(e, at+"."+key); err != nil {
				return nil, err
			}
		}
		return out, nil
	case []any:
		for i, e := range v {
			var err error
			if v[i], err = jsonValue(e, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return nil, err
			}
		}
		return v, nil
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("%s: %v is not a number a rule set can hold", strings.TrimPrefix(at, "."), v)
		}
	}
	return v, nil
}
