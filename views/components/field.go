// Package components holds the building blocks every page shares: one form field,
// one table, alerts and badges.
package components

import "github.com/a-h/templ"

// Option is one choice of a select or a group of checkboxes.
type Option struct {
	Value, Label string
	Selected     bool
}

// Field describes one labelled input with its error.
type Field struct {
	Name, Label  string
	Type         string // text, password, date, number, email, tel, select, textarea, checkboxes
	Value        string
	Error        string
	Hint         string
	Required     bool
	Autofocus    bool
	Autocomplete string
	Inputmode    string
	MaxLength    int
	Options      []Option
	Attrs        map[string]any // extra input attributes (min, max, step, pattern …)
}

func (f Field) id() string { return "f-" + f.Name }

func (f Field) inputType() string {
	if f.Type == "" {
		return "text"
	}
	return f.Type
}

func (f Field) attrs() templ.Attributes {
	a := templ.Attributes{}
	for k, v := range f.Attrs {
		a[k] = v
	}
	if f.Required {
		a["required"] = true
	}
	if f.Autofocus {
		a["autofocus"] = true
	}
	if f.Autocomplete != "" {
		a["autocomplete"] = f.Autocomplete
	}
	if f.Inputmode != "" {
		a["inputmode"] = f.Inputmode
	}
	if f.MaxLength > 0 {
		a["maxlength"] = f.MaxLength
	}
	if f.Error != "" {
		a["aria-invalid"] = "true"
		a["aria-describedby"] = f.id() + "-error"
	} else if f.Hint != "" {
		a["aria-describedby"] = f.id() + "-hint"
	}
	return a
}
