package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// errorBody is every error answer: what is wrong, and for a bad event, its index in the batch.
type errorBody struct {
	Error string `json:"error"`
	Index *int   `json:"index,omitempty"`
}

// writeJSON answers v as JSON with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a Result holding a value JSON cannot carry would get here; the library keeps
		// NaN and ±Inf out of Results, so this is a bug worth a clear answer, not a panic.
		code, b = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

// writeError answers {"error": msg}.
func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, errorBody{Error: msg})
}

// readBody reads the request body up to limit bytes. Past the limit it answers 413 itself and
// returns ok false; so it does when the body cannot be read.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", limit))
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, "reading the request body: "+err.Error())
		return nil, false
	}
	return data, true
}

// decodeStrict decodes one JSON value into v: unknown fields and trailing data are errors, so
// a misspelt field is reported rather than silently dropped.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty body")
		}
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// jsonError words a decoding error for a client: encoding/json's own messages name Go types
// ("cannot unmarshal string into Go struct field Event.time of type time.Time"); the field and
// the JSON type say the same without them.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var synErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		// An event's fields are promoted from the embedded leadscore.Event: "Event.value".
		field := strings.TrimPrefix(typeErr.Field, "Event.")
		return fmt.Errorf("field %q: a JSON %s is not valid here", field, typeErr.Value)
	case errors.As(err, &typeErr):
		// The value as a whole ("cannot unmarshal array into Go value of type server.wireEvent").
		return fmt.Errorf("a JSON %s is not valid here: want an object", typeErr.Value)
	case errors.As(err, &synErr):
		return fmt.Errorf("invalid JSON at byte %d: %v", synErr.Offset, synErr)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("truncated JSON")
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// checkLeadID reports what is wrong with a lead ID, or nil.
func checkLeadID(id string) error {
	switch {
	case id == "":
		return errors.New("empty lead ID")
	case len(id) > maxLeadIDBytes:
		return fmt.Errorf("lead ID of %d bytes: at most %d", len(id), maxLeadIDBytes)
	case !utf8.ValidString(id):
		return errors.New("lead ID is not valid UTF-8")
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return fmt.Errorf("lead ID %q holds a control character", id)
		}
	}
	return nil
}
