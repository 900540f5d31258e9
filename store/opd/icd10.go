package opd

import (
	"cmp"
	"slices"
	"strings"

	"hms/store/patients"
)

// ICD10 is one diagnosis code of the shipped outpatient subset (WHO ICD-10 titles).
type ICD10 struct {
	Code     string
	Title    string
	Synonyms string // words people search with: "high blood pressure htn"
}

type icdEntry struct {
	ICD10
	bare  string   // code without the dot, upper case: "E119"
	words []string // folded words of the title and synonyms
}

var icdIndex = func() []icdEntry {
	out := make([]icdEntry, len(icd10Codes))
	for i, c := range icd10Codes {
		out[i] = icdEntry{ICD10: c, bare: strings.ReplaceAll(c.Code, ".", ""),
			words: patients.Tokens(c.Title + " " + c.Synonyms)}
	}
	return out
}()

// ICD10Codes returns the shipped list in code order.
func ICD10Codes() []ICD10 {
	out := slices.Clone(icd10Codes)
	slices.SortFunc(out, func(a, b ICD10) int { return cmp.Compare(a.Code, b.Code) })
	return out
}

// ICD10ByCode returns a code of the shipped list (any case, dot optional: "e119" is E11.9).
func ICD10ByCode(code string) (ICD10, bool) {
	bare := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(code), ".", ""))
	for _, e := range icdIndex {
		if e.bare == bare {
			return e.ICD10, true
		}
	}
	return ICD10{}, false
}

// looksLikeCode reports whether q reads as an ICD-10 code or its start: a letter, then a digit.
func looksLikeCode(q string) bool {
	return len(q) >= 2 && (q[0] >= 'A' && q[0] <= 'Z') && q[1] >= '0' && q[1] <= '9'
}

// SearchICD10 finds codes by code prefix ("E11", "j06.9", "i1") or by words: every word
// of q must start a word of the title or its synonyms, in any order, case and accents
// ignored ("diab type 2", "sore throat", "high blood pressure"). Best matches first: more
// whole-word matches, then shorter titles, then code order; codes by a prefix in code order. It is pure and in memory.
func SearchICD10(q string, limit int) []ICD10 {
	if limit <= 0 {
		limit = 20
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	type hit struct {
		e     icdEntry
		score int
	}
	var hits []hit
	byCode := false
	if bare := strings.ToUpper(strings.ReplaceAll(strings.ReplaceAll(q, ".", ""), " ", "")); looksLikeCode(bare) {
		for _, e := range icdIndex {
			if strings.HasPrefix(e.bare, bare) {
				hits = append(hits, hit{e, -len(e.bare)}) // the exact code first
			}
		}
		byCode = len(hits) > 0
	}
	if len(hits) == 0 {
		words := patients.Tokens(q)
		for _, e := range icdIndex {
			if s := wordScore(words, e.words); s > 0 {
				hits = append(hits, hit{e, s})
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if byCode {
			return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.e.Code, b.e.Code))
		}
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(len(a.e.Title), len(b.e.Title)), cmp.Compare(a.e.Code, b.e.Code))
	})
	out := make([]ICD10, 0, min(limit, len(hits)))
	for _, h := range hits[:min(limit, len(hits))] {
		out = append(out, h.e.ICD10)
	}
	return out
}

// wordScore is 0 unless every query word starts some word of the entry; a whole word
// counts 2 and a prefix 1.
func wordScore(query, words []string) int {
	if len(query) == 0 {
		return 0
	}
	total := 0
	for _, q := range query {
		best := 0
		for _, w := range words {
			switch {
			case w == q:
				best = 2
			case best == 0 && strings.HasPrefix(w, q):
				best = 1
			}
		}
		if best == 0 {
			return 0
		}
		total += best
	}
	return total
}
