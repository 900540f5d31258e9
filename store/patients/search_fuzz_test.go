package patients_test

import (
	"context"
	"testing"
	"time"
	"unicode/utf8"

	"hms/store/patients"
)

// FuzzSearch types anything into the patient search box: the search never fails on
// it, never returns more rows than asked, and every row is a registered patient.
func FuzzSearch(f *testing.F) {
	s, _ := newStore(f)
	ctx := context.Background()
	registered := map[string]bool{}
	for _, d := range []patients.Demographics{
		{Given: "Rajesh", Family: "Sharma", Sex: "M", DOB: time.Date(1970, 5, 1, 0, 0, 0, 0, time.UTC), Phone: "9845012345"},
		{Given: "José", Family: "D'Souza", Sex: "M", DOB: time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC), Phone: "9845099999"},
		{Given: "Anita", Family: "Rao", Sex: "F", DOB: time.Date(1992, 3, 4, 0, 0, 0, 0, time.UTC), Phone: "9000000001"},
	} {
		p, err := s.Register(ctx, patients.Registration{Demographics: d}, "frontdesk")
		if err != nil {
			f.Fatal(err)
		}
		registered[p.ID] = true
	}
	for _, q := range []string{"raj", "100001", "98450", "d'souza", "jose", "  ", "$where", "{\"$gt\":\"\"}", "\xff", "ra ja", ""} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		res, err := s.Search(ctx, q, 5)
		if err != nil {
			if utf8.ValidString(q) && len(q) < 200 {
				t.Fatalf("Search(%q): %v", q, err)
			}
			return
		}
		if len(res.Hits) > 5 {
			t.Fatalf("Search(%q) returned %d rows, limit 5", q, len(res.Hits))
		}
		for _, r := range res.Hits {
			if !registered[r.ID] {
				t.Fatalf("Search(%q) returned an unknown patient %q", q, r.ID)
			}
		}
	})
}
