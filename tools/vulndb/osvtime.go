package main

import (
	"encoding/json"
	"time"
)

// osvTime is an OSV timestamp: RFC 3339 in UTC, whole seconds, as x/vulndb's
// osv.Time writes it (time.Time would keep a zone offset and fractions).
type osvTime struct{ time.Time }

func (t osvTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.UTC().Format(time.RFC3339))
}

func (t *osvTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	parsed, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return err
	}
	t.Time = parsed.UTC()
	return nil
}

func (t osvTime) After(u osvTime) bool { return t.Time.After(u.Time) }
