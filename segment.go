package leadscore

// Persona is a segment of leads: the first persona whose When holds; one without When is the
// default. Track names the nurture track the persona follows.
type Persona struct {
	ID    string `json:"id" yaml:"id"`
	When  string `json:"when,omitempty" yaml:"when,omitempty"`
	Track string `json:"track,omitempty" yaml:"track,omitempty"`
}
