package patients

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"
)

// The embedded engine scans a whole collection for any filter but an exact _id, and
// MongoDB cannot do "any word of the name starts with …, in any order, accent-blind"
// with one index either. So search runs on an in-process index of the few fields a
// result row shows, built from the patients collection at start and kept in step by
// every write this process makes (and, against MongoDB with several instances, by
// catching up on the rev field). The database stays the truth; this is a cache of it.

// Hit is one search result: what a row shows.
type Hit struct {
	ID, MRN, Name, Sex, Phone string
	DOB                       time.Time
	DOBEstimated              bool
	LastVisit                 time.Time
	DuplicateOfMRN            string
	Score                     int
}

type entry struct {
	hit     Hit
	tokens  []string // folded words of the name
	nameKey string   // sorted folded words: name + DOB duplicate check
	members []string // keyed hashes of the insurance member numbers
	rev     int64
}

type index struct {
	mu       sync.RWMutex
	byID     map[string]*entry
	byMRN    map[string]*entry
	byPhone  map[string]map[string]*entry
	byPrefix map[string]map[string]*entry // first two and first three letters of a name word → entries
	byMember map[string]map[string]*entry // member number hash → entries
	rev      int64                        // highest rev seen
}

func newIndex() *index {
	return &index{byID: map[string]*entry{}, byMRN: map[string]*entry{},
		byPhone: map[string]map[string]*entry{}, byPrefix: map[string]map[string]*entry{}, byMember: map[string]map[string]*entry{}}
}

func entryOf(p Patient) *entry {
	toks := Tokens(FullName(p.Given, p.Middle, p.Family))
	sorted := slices.Clone(toks)
	slices.Sort(sorted)
	var members []string
	for _, pol := range p.Policies {
		if pol.MemberHash != "" && !slices.Contains(members, pol.MemberHash) {
			members = append(members, pol.MemberHash)
		}
	}
	return &entry{members: members, hit: Hit{ID: p.ID, MRN: p.MRN, Name: p.Name(), Sex: p.Sex, Phone: p.Phone, DOB: p.DOB,
		DOBEstimated: p.DOBEstimated, LastVisit: p.LastVisit, DuplicateOfMRN: p.DupOfMRN},
		tokens: toks, nameKey: strings.Join(sorted, " "), rev: p.Rev}
}

// prefixes are the bucket keys of a name word: its first two and first three letters.
func prefixes(tok string) []string {
	r := []rune(tok)
	if len(r) <= 2 {
		return []string{tok}
	}
	return []string{string(r[:2]), string(r[:3])}
}

// bucketKey is the longest bucket key a query word can use.
func bucketKey(word string) string {
	p := prefixes(word)
	return p[len(p)-1]
}

// put adds or replaces the entry of p (an older rev never replaces a newer one).
func (ix *index) put(p Patient) {
	e := entryOf(p)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if old, ok := ix.byID[p.ID]; ok {
		if old.rev > e.rev {
			return
		}
		ix.remove(old)
	}
	ix.byID[p.ID] = e
	ix.byMRN[p.MRN] = e
	if p.Phone != "" {
		addTo(ix.byPhone, p.Phone, e)
	}
	for _, t := range e.tokens {
		for _, p := range prefixes(t) {
			addTo(ix.byPrefix, p, e)
		}
	}
	for _, h := range e.members {
		addTo(ix.byMember, h, e)
	}
	ix.rev = max(ix.rev, e.rev)
}

func addTo(m map[string]map[string]*entry, key string, e *entry) {
	if m[key] == nil {
		m[key] = map[string]*entry{}
	}
	m[key][e.hit.ID] = e
}

func (ix *index) remove(e *entry) {
	delete(ix.byID, e.hit.ID)
	delete(ix.byMRN, e.hit.MRN)
	delete(ix.byPhone[e.hit.Phone], e.hit.ID)
	for _, t := range e.tokens {
		for _, p := range prefixes(t) {
			delete(ix.byPrefix[p], e.hit.ID)
		}
	}
	for _, h := range e.members {
		delete(ix.byMember[h], e.hit.ID)
	}
}

func (ix *index) size() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.byID)
}

// SearchResult is at most limit hits, best first, and how many matched in all.
type SearchResult struct {
	Hits  []Hit
	Total int
	Kind  string // "mrn", "phone", "member" or "name": what the query was read as
}

// search reads q as an MRN, a phone number, an insurance member number (memberHashes are
// its keyed hashes under every key of the ring, nil when q has no digit) or words of a name.
func (ix *index) search(q string, memberHashes []string, limit int) SearchResult {
	q = strings.TrimSpace(q)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if isDigits(q) {
		if e, ok := ix.byMRN[q]; ok {
			return SearchResult{Hits: []Hit{e.hit}, Total: 1, Kind: "mrn"}
		}
	}
	var phone []Hit
	isPhone := false
	if p := NormalizePhone(q); p != "" && len(p) >= 10 {
		isPhone = true
		for _, e := range ix.byPhone[p] {
			phone = append(phone, e.hit)
		}
	}
	if len(phone) == 0 {
		if hits := ix.hitsOf(ix.byMember, memberHashes); len(hits) > 0 {
			return SearchResult{Hits: hits[:min(limit, len(hits))], Total: len(hits), Kind: "member"}
		}
	}
	if isPhone {
		sortHits(phone)
		return SearchResult{Hits: phone[:min(limit, len(phone))], Total: len(phone), Kind: "phone"}
	}
	return ix.searchName(Tokens(q), limit)
}

// hitsOf is every entry filed in m under any of keys, once each, sorted.
func (ix *index) hitsOf(m map[string]map[string]*entry, keys []string) []Hit {
	seen := map[string]bool{}
	var hits []Hit
	for _, k := range keys {
		for id, e := range m[k] {
			if !seen[id] {
				seen[id] = true
				hits = append(hits, e.hit)
			}
		}
	}
	sortHits(hits)
	return hits
}

func (ix *index) searchName(words []string, limit int) SearchResult {
	res := SearchResult{Kind: "name"}
	if len(words) == 0 || len([]rune(strings.Join(words, ""))) < 2 {
		return res
	}
	// Walk the smallest bucket among the words of two letters or more.
	var bucket map[string]*entry
	for _, w := range words {
		if len([]rune(w)) < 2 {
			continue
		}
		b := ix.byPrefix[bucketKey(w)]
		if bucket == nil || len(b) < len(bucket) {
			bucket = b
		}
	}
	// Keep only the best `limit` while counting every match: a common surname matches
	// thousands of patients, and copying and sorting them all is what would cost.
	top := make([]Hit, 0, limit+1)
	for _, e := range bucket {
		s := score(words, e.tokens)
		if s == 0 {
			continue
		}
		res.Total++
		if e.hit.DuplicateOfMRN != "" {
			s -= 100 // a record marked duplicate sorts after the real ones
		}
		if len(top) == limit && !better(s, e.hit, top[limit-1]) {
			continue
		}
		h := e.hit
		h.Score = s
		i, _ := slices.BinarySearchFunc(top, h, hitOrder)
		top = slices.Insert(top, i, h)
		if len(top) > limit {
			top = top[:limit]
		}
	}
	res.Hits = top
	return res
}

// better reports whether a match scoring s with hit h sorts before b.
func better(s int, h, b Hit) bool {
	h.Score = s
	return hitOrder(h, b) < 0
}

// score is 0 unless every query word matches a different word of the name, in any
// order; an exact word counts 3, a prefix 2, and a name with no words left over gets 1 more.
func score(words, name []string) int {
	var buf [8]bool // names rarely have more words: no allocation per candidate
	used := buf[:0]
	if len(name) <= len(buf) {
		used = buf[:len(name)]
	} else {
		used = make([]bool, len(name))
	}
	total := 0
	for _, w := range words {
		best, at := 0, -1
		for i, t := range name {
			if used[i] {
				continue
			}
			s := 0
			switch {
			case t == w:
				s = 3
			case strings.HasPrefix(t, w):
				s = 2
			}
			if s > best {
				best, at = s, i
			}
		}
		if at < 0 {
			return 0
		}
		used[at] = true
		total += best
	}
	if len(words) == len(name) {
		total++
	}
	return total
}

func sortHits(h []Hit) { slices.SortFunc(h, hitOrder) }

// hitOrder puts the best score first, then names alphabetically, then MRNs.
func hitOrder(a, b Hit) int {
	return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Name, b.Name), cmp.Compare(a.MRN, b.MRN))
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Candidate is a registered patient who may be the person being registered.
type Candidate struct {
	Hit
	Reasons []string // "same phone", "same name and date of birth", "same ID number"
}

// candidates finds patients with the same phone or the same name and DOB, plus the
// patient the store found holding the same ID number.
func (ix *index) candidates(d Demographics, sameIDPatient string) []Candidate {
	p := Patient{Demographics: d}
	key := entryOf(p).nameKey
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	found := map[string]*Candidate{}
	var order []string
	add := func(e *entry, why string) {
		c, ok := found[e.hit.ID]
		if !ok {
			c = &Candidate{Hit: e.hit}
			found[e.hit.ID] = c
			order = append(order, e.hit.ID)
		}
		c.Reasons = append(c.Reasons, why)
	}
	if e, ok := ix.byID[sameIDPatient]; ok {
		add(e, "same ID number")
	}
	if d.Phone != "" {
		for _, e := range ix.byPhone[d.Phone] {
			add(e, "same phone")
		}
	}
	if toks := strings.Fields(key); len(toks) > 0 && !d.DOB.IsZero() {
		for _, e := range ix.byPrefix[bucketKey(toks[0])] {
			if e.nameKey == key && e.hit.DOB.Equal(d.DOB) {
				add(e, "same name and date of birth")
			}
		}
	}
	out := make([]Candidate, 0, len(order))
	for _, id := range order {
		out = append(out, *found[id])
	}
	return out
}
