package opd

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/catalog"
	"hms/store/guard"
)

// Staff kinds a profile may have (the user's roles say what they may do; this says what
// the directory shows).
const (
	KindDoctor = "doctor"
	KindNurse  = "nurse"
	KindOther  = "other"
)

// Profile is a staff member's directory entry, keyed by username; for a doctor it holds
// the OPD details, the weekly sessions and the exceptions by date.
type Profile struct {
	Username       string               `bson:"_id"`
	FullName       string               `bson:"full_name"` // copied from the user
	Kind           string               `bson:"kind"`
	Department     string               `bson:"department"`
	Specialty      string               `bson:"specialty,omitempty"`
	Licence        string               `bson:"licence,omitempty"`         // registration / licence number
	ConsultService string               `bson:"consult_service,omitempty"` // price-list code of the consultation
	Room           string               `bson:"room,omitempty"`
	Ward           string               `bson:"ward,omitempty"` // a nurse's ward or unit
	Active         bool                 `bson:"active"`
	Sessions       []Session            `bson:"sessions"`
	Exceptions     map[string]Exception `bson:"exceptions"` // by date "2006-01-02"
	Version        int64                `bson:"version"`
	catalog.Stamp  `bson:",inline"`
}

// IsDoctor reports whether the profile is a doctor's.
func (p Profile) IsDoctor() bool { return p.Kind == KindDoctor }

// DefaultConsultService is the consultation code of a department: "CONS-" + its code.
func DefaultConsultService(dept string) string { return "CONS-" + dept }

// SaveProfile creates or updates a directory entry. The user and the department must
// exist; a doctor's consultation code (default CONS-<department>) must be on the price
// list; a nurse's ward must exist. Sessions and exceptions are kept.
func (s *Store) SaveProfile(ctx context.Context, p Profile, by string) (Profile, error) {
	u, err := s.users.ByUsername(ctx, p.Username)
	if err != nil {
		return Profile{}, fmt.Errorf("store: profile %s: user: %w", p.Username, err)
	}
	if !slices.Contains([]string{KindDoctor, KindNurse, KindOther}, p.Kind) {
		return Profile{}, fmt.Errorf("%w: staff kind %q", store.ErrInvalid, p.Kind)
	}
	if err := s.department(ctx, p.Department); err != nil {
		return Profile{}, err
	}
	if p.Kind == KindDoctor {
		p.ConsultService = cmp.Or(strings.TrimSpace(p.ConsultService), DefaultConsultService(p.Department))
		if _, err := s.cat.Service(ctx, p.ConsultService); err != nil {
			return Profile{}, fmt.Errorf("store: consultation service %s: %w", p.ConsultService, err)
		}
	}
	if p.Ward != "" {
		if _, err := s.cat.Ward(ctx, p.Ward); err != nil {
			return Profile{}, fmt.Errorf("store: ward %s: %w", p.Ward, err)
		}
	}
	now := s.now().UTC()
	err = upsert(ctx, s.profiles, p.Username, bson.D{
		{Key: "$set", Value: bson.D{{Key: "full_name", Value: u.FullName}, {Key: "kind", Value: p.Kind},
			{Key: "department", Value: p.Department}, {Key: "specialty", Value: strings.TrimSpace(p.Specialty)},
			{Key: "licence", Value: strings.TrimSpace(p.Licence)}, {Key: "consult_service", Value: p.ConsultService},
			{Key: "room", Value: strings.TrimSpace(p.Room)}, {Key: "ward", Value: p.Ward}, {Key: "active", Value: p.Active},
			{Key: "updated_at", Value: now}, {Key: "updated_by", Value: by}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "sessions", Value: []Session{}}, {Key: "exceptions", Value: bson.D{}},
			{Key: "created_at", Value: now}, {Key: "created_by", Value: by}}},
		{Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}}})
	if err != nil {
		return Profile{}, err
	}
	return s.Profile(ctx, p.Username)
}

// department checks that a department exists.
func (s *Store) department(ctx context.Context, code string) error {
	depts, err := s.cat.Departments(ctx)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(depts, func(d catalog.Department) bool { return d.Code == code }) {
		return fmt.Errorf("%w: department %q", store.ErrNotFound, code)
	}
	return nil
}

// Profile returns one directory entry or store.ErrNotFound.
func (s *Store) Profile(ctx context.Context, username string) (Profile, error) {
	return byID[Profile](ctx, s.profiles, username, "staff profile")
}

// Profiles lists the directory by name (hospitals have hundreds of staff, not more).
func (s *Store) Profiles(ctx context.Context) ([]Profile, error) {
	cur, err := s.profiles.R.Find(ctx, bson.D{}, options.Find().SetLimit(5000))
	if err != nil {
		return nil, fmt.Errorf("store: list staff profiles: %w", err)
	}
	var out []Profile
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: list staff profiles: %w", err)
	}
	slices.SortFunc(out, func(a, b Profile) int {
		return cmp.Or(cmp.Compare(a.FullName, b.FullName), cmp.Compare(a.Username, b.Username))
	})
	return out, nil
}

// Doctors lists the active doctors of a department ("" = every department), by name.
func (s *Store) Doctors(ctx context.Context, dept string) ([]Profile, error) {
	all, err := s.Profiles(ctx)
	return slices.DeleteFunc(all, func(p Profile) bool {
		return !p.IsDoctor() || !p.Active || (dept != "" && p.Department != dept)
	}), err
}

// doctor returns an active doctor's profile, or an error saying why it cannot be used.
func (s *Store) doctor(ctx context.Context, username string) (Profile, error) {
	p, err := s.Profile(ctx, username)
	if err != nil {
		return p, err
	}
	if !p.IsDoctor() || !p.Active {
		return p, fmt.Errorf("%w: %s is not an active doctor", store.ErrInvalid, username)
	}
	return p, nil
}

// SetSessions replaces a doctor's weekly sessions. version is the profile's version the
// form was made from: an edit made meanwhile gives store.ErrConflict. Appointments
// already booked are kept even when their slot is no longer in the schedule.
func (s *Store) SetSessions(ctx context.Context, username string, version int64, sessions []Session, by string) (Profile, error) {
	if sessions == nil {
		sessions = []Session{}
	}
	if err := checkSessions(sessions, false); err != nil {
		return Profile{}, err
	}
	slices.SortFunc(sessions, func(a, b Session) int {
		return cmp.Or(cmp.Compare(a.Weekday, b.Weekday), cmp.Compare(a.Start, b.Start))
	})
	return s.updateProfile(ctx, username, version, bson.D{{Key: "sessions", Value: sessions}}, nil, by)
}

// SetException records leave and/or extra sessions on one date, replacing what that
// date had. Appointments already booked that day are kept: the front desk moves them.
func (s *Store) SetException(ctx context.Context, username string, e Exception, by string) (Profile, error) {
	if _, err := parseDate(e.Date, s.loc); err != nil {
		return Profile{}, err
	}
	for i := range e.Extra {
		e.Extra[i].Weekday = time.Sunday // ignored for an extra session; checked as one day
	}
	if err := checkSessions(e.Extra, true); err != nil {
		return Profile{}, err
	}
	if !e.Leave && len(e.Extra) == 0 {
		return Profile{}, fmt.Errorf("%w: an exception is leave or an extra session", store.ErrInvalid)
	}
	e.By, e.At, e.Reason = by, s.now().UTC(), strings.TrimSpace(e.Reason)
	return s.updateProfile(ctx, username, 0, bson.D{{Key: "exceptions." + e.Date, Value: e}}, nil, by)
}

// ClearException removes the exception of a date.
func (s *Store) ClearException(ctx context.Context, username, date, by string) (Profile, error) {
	if _, err := parseDate(date, s.loc); err != nil {
		return Profile{}, err
	}
	return s.updateProfile(ctx, username, 0, nil, bson.D{{Key: "exceptions." + date, Value: ""}}, by)
}

func (s *Store) updateProfile(ctx context.Context, username string, version int64, set, unset bson.D, by string) (Profile, error) {
	var conds []guard.Cond
	if version > 0 {
		conds = append(conds, guard.Eq("version", version))
	}
	set = append(set, bson.E{Key: "updated_at", Value: s.now().UTC()}, bson.E{Key: "updated_by", Value: by})
	update := bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}}}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	var p Profile
	ok, err := guard.Update(ctx, s.db, store.CollStaffProfiles, username, conds, update, &p)
	if err != nil || ok {
		return p, err
	}
	if _, err := s.Profile(ctx, username); err != nil {
		return Profile{}, err
	}
	return Profile{}, store.ErrConflict
}
