package signing

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Content is a document's clinical fields as signed: field name → value. Values may be
// strings, bools, integers, float64, time.Time, nested Content, []string, []Content or
// []any of these; anything else is refused, so the canonical form never depends on how
// a Go type happens to encode.
type Content map[string]any

// Canonical is the form that is hashed and signed, stable across field order and
// processes:
//   - JSON with no insignificant whitespace, object keys sorted byte-wise at every level;
//   - strings exactly as stored (no trimming or Unicode normalisation), with <, > and &
//     left unescaped;
//   - times in UTC to the millisecond, "2006-01-02T15:04:05.000Z" (the database keeps
//     milliseconds, so a time read back signs the same);
//   - numbers as Go's encoding/json writes them (integers without a fraction).
func Canonical(c Content) ([]byte, error) {
	v, err := normalise(map[string]any(c))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // encoding/json sorts map keys
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Digest is the hex SHA-256 of the canonical content.
func Digest(c Content) (string, error) {
	b, err := Canonical(c)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// Time is a time as the canonical form writes it.
func Time(t time.Time) string {
	return t.UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z")
}

func normalise(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, int, int32, int64, float64:
		return x, nil
	case time.Time:
		return Time(x), nil
	case Content:
		return normalise(map[string]any(x))
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			n, err := normalise(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = n
		}
		return out, nil
	case []string:
		if x == nil { // a nil list and an empty one read back alike from the database
			return []string{}, nil
		}
		return x, nil
	case []Content:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := normalise(map[string]any(e))
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := normalise(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	return nil, fmt.Errorf("signing: cannot sign a %T", v)
}
