package ipd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/sync/errgroup"

	"hms/store"
	"hms/store/catalog"
	"hms/store/guard"
	"hms/store/patients"
)

// Admission states.
const (
	StateActive           = "active"
	StateDischargeOrdered = "discharge_ordered" // the doctor has ordered discharge; the bed is still held
	StateDischarged       = "discharged"        // the patient has left the ward
)

// StateLabels are the names people read.
var StateLabels = map[string]string{StateActive: "Admitted", StateDischargeOrdered: "Discharge ordered", StateDischarged: "Discharged"}

// Where an admission comes from.
const (
	SourceOPD       = "opd"
	SourceEmergency = "emergency"
	SourceDirect    = "direct"
)

// Sources in the order forms offer them.
var Sources = []string{SourceOPD, SourceEmergency, SourceDirect}

// Risk flags a nurse sets on an admission (shown on the tile).
const (
	FlagFall      = "fall"
	FlagIsolation = "isolation"
)

// Stay is one bed the patient occupied, from To the next (zero To: still there).
type Stay struct {
	Ward    string    `bson:"ward"`
	Bed     string    `bson:"bed"` // bed id "W1-3"
	BedCode string    `bson:"bed_code"`
	BedType string    `bson:"bed_type"` // price-list code of the bed-day charge
	From    time.Time `bson:"from"`
	To      time.Time `bson:"to,omitempty"`
	Reason  string    `bson:"reason,omitempty"` // why the patient moved here
	By      string    `bson:"by"`
}

// Admission is one inpatient stay: the source of truth of the patient's place on the
// ward. It also carries what the ward board's tile shows (copied here when the orders,
// vitals or MAR change), so the board reads one small document per occupied bed.
type Admission struct {
	ID                string     `bson:"_id"` // "IP0000123"
	Number            int64      `bson:"number"`
	PatientID         string     `bson:"patient_id"`
	MRN               string     `bson:"mrn"`
	Name              string     `bson:"name"`
	Sex               string     `bson:"sex"`
	DOB               time.Time  `bson:"dob"`
	Allergies         []string   `bson:"allergies,omitempty"` // substances, for the tile's badge
	AllergyStatus     string     `bson:"allergy_status"`
	Source            string     `bson:"source"`
	SourceRef         string     `bson:"source_ref,omitempty"` // the OPD or emergency visit
	Doctor            string     `bson:"doctor"`
	DoctorName        string     `bson:"doctor_name"`
	Department        string     `bson:"department"`
	Diagnosis         string     `bson:"diagnosis"`
	Reason            string     `bson:"reason"`
	ExpectedDays      int        `bson:"expected_days"`
	ExpectedDischarge string     `bson:"expected_discharge"` // date
	Ward              string     `bson:"ward"`
	Bed               string     `bson:"bed"`
	BedCode           string     `bson:"bed_code"`
	Status            string     `bson:"status"`
	AdmittedAt        time.Time  `bson:"admitted_at"`
	Stays             []Stay     `bson:"stays"`
	Flags             []string   `bson:"flags,omitempty"`
	Discharge         *Discharge `bson:"discharge,omitempty"`
	Summary           *Summary   `bson:"summary,omitempty"`
	// What the tile shows, kept in step by the orders, chart and MAR.
	Unacked        int       `bson:"unacked"`    // doctor orders a nurse has not acknowledged
	OrdersRev      int64     `bson:"orders_rev"` // the orders version the two fields above copy
	VitalsAbnormal []string  `bson:"vitals_abnormal,omitempty"`
	VitalsAt       time.Time `bson:"vitals_at,omitempty"`
	NextDue        time.Time `bson:"next_due,omitempty"` // earliest scheduled dose not yet recorded
	NightsPosted   int       `bson:"nights_posted"`      // bed-day charges posted, counted from admission
	Pending        []string  `bson:"pending,omitempty"`  // follow-ups still to apply
	Events         []Event   `bson:"events"`
	Version        int64     `bson:"version"`
	catalog.Stamp  `bson:",inline"`
}

// Active reports whether the patient is still on the ward.
func (a Admission) Active() bool { return a.Status == StateActive || a.Status == StateDischargeOrdered }

// DaysIn is the day of the stay on day now (1 on the day of admission).
func (a Admission) DaysIn(now time.Time, loc *time.Location) int {
	y, m, d := a.AdmittedAt.In(loc).Date()
	y2, m2, d2 := now.In(loc).Date()
	from, to := time.Date(y, m, d, 0, 0, 0, 0, time.UTC), time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC)
	return int(to.Sub(from).Hours()/24) + 1
}

// AgeSex is "54y M".
func (a Admission) AgeSex(now time.Time) string {
	return strings.TrimSpace(patients.AgeOn(a.DOB, now) + " " + a.Sex)
}

// Admission returns one admission or store.ErrNotFound.
func (s *Store) Admission(ctx context.Context, id string) (Admission, error) {
	return byID[Admission](ctx, s.adms, id, "admission")
}

// AdmitInput is what the admission form enters.
type AdmitInput struct {
	PatientID    string
	Source       string // opd, emergency, direct
	SourceRef    string // the visit, for opd and emergency
	Doctor       string // admitting doctor's username
	DoctorName   string
	Department   string
	Diagnosis    string
	Reason       string
	ExpectedDays int
	Bed          string // bed id "W1-3"
}

func (in *AdmitInput) check() error {
	in.Diagnosis, in.Reason = strings.TrimSpace(in.Diagnosis), strings.TrimSpace(in.Reason)
	switch {
	case in.PatientID == "":
		return fmt.Errorf("%w: choose the patient", store.ErrInvalid)
	case !slices.Contains(Sources, in.Source):
		return fmt.Errorf("%w: admission source %q", store.ErrInvalid, in.Source)
	case in.Source != SourceDirect && strings.TrimSpace(in.SourceRef) == "":
		return fmt.Errorf("%w: the visit the admission comes from is required", store.ErrInvalid)
	case in.Doctor == "" || in.Department == "":
		return fmt.Errorf("%w: the admitting doctor and department are required", store.ErrInvalid)
	case in.Diagnosis == "" || in.Reason == "":
		return fmt.Errorf("%w: diagnosis and reason for admission are required", store.ErrInvalid)
	case in.ExpectedDays < 1 || in.ExpectedDays > 365:
		return fmt.Errorf("%w: expected stay must be 1–365 days", store.ErrInvalid)
	case in.Bed == "":
		return fmt.Errorf("%w: choose a bed", store.ErrInvalid)
	}
	return nil
}

// activeKey is the insert-once key that allows a patient one active admission.
func activeKey(patientID string) string { return "active:" + patientID }

type keyDoc struct {
	ID        string    `bson:"_id"`
	Owner     string    `bson:"owner"`
	CreatedAt time.Time `bson:"created_at"`
}

// staleAfter is how old a key whose admission was never stored must be before it is
// taken as left behind by a crash rather than by an admission still being written.
const staleAfter = time.Minute

// takeActiveKey claims the patient's one active admission for admID, clearing a key left
// by a finished admission or a crash.
func (s *Store) takeActiveKey(ctx context.Context, patientID, admID string) error {
	for attempt := 0; attempt < 3; attempt++ {
		_, err := s.keys.W.InsertOne(ctx, keyDoc{ID: activeKey(patientID), Owner: admID, CreatedAt: s.now().UTC()})
		if err == nil {
			return nil
		}
		if !store.IsDuplicate(err) {
			return fmt.Errorf("store: active admission key: %w", err)
		}
		k, err := byID[keyDoc](ctx, s.keys, activeKey(patientID), "key")
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		a, err := s.Admission(ctx, k.Owner)
		switch {
		case err == nil && a.Active():
			return fmt.Errorf("%w (%s, bed %s)", ErrAlreadyAdmitted, a.ID, a.BedCode)
		case err == nil, errors.Is(err, store.ErrNotFound) && s.now().Sub(k.CreatedAt) > staleAfter:
			if _, err := guard.Delete(ctx, s.db, store.CollIPDKeys, k.ID, []guard.Cond{guard.Eq("owner", k.Owner)}); err != nil {
				return err
			}
		case errors.Is(err, store.ErrNotFound):
			return fmt.Errorf("%w (an admission is being recorded)", ErrAlreadyAdmitted)
		default:
			return err
		}
	}
	return store.ErrConflict
}

// Admit admits a patient into a bed. The admission number comes from the counters; the
// patient's active-admission key refuses a second active admission; the bed is claimed
// in one guarded write, so of many admissions racing for one bed exactly one wins and
// the others get a *BedTakenError naming the next free bed of the same ward and type.
func (s *Store) Admit(ctx context.Context, in AdmitInput, by string) (Admission, error) {
	if err := in.check(); err != nil {
		return Admission{}, err
	}
	p, err := s.pats.ByID(ctx, in.PatientID)
	if err != nil {
		return Admission{}, err
	}
	if p.Death != nil {
		return Admission{}, ErrDeceased
	}
	bed, err := s.Bed(ctx, in.Bed)
	if err != nil {
		return Admission{}, err
	}
	ward, err := s.cat.Ward(ctx, bed.Ward)
	if err != nil {
		return Admission{}, err
	}
	if ward.Sex != "" && p.Sex != ward.Sex {
		return Admission{}, fmt.Errorf("%w: %s admits only %s patients", ErrBedUnsuitable, ward.Name, map[string]string{"M": "male", "F": "female"}[ward.Sex])
	}
	if !bed.Free(p.ID, s.now()) {
		return Admission{}, s.taken(ctx, bed, p.ID)
	}
	n, err := s.db.Next(ctx, "admission")
	if err != nil {
		return Admission{}, err
	}
	id := fmt.Sprintf("IP%07d", n)
	if err := s.takeActiveKey(ctx, p.ID, id); err != nil {
		return Admission{}, err
	}
	ok, err := s.claimBed(ctx, bed.ID, id, p.ID, by)
	if err != nil || !ok {
		if _, derr := guard.Delete(ctx, s.db, store.CollIPDKeys, activeKey(p.ID), []guard.Cond{guard.Eq("owner", id)}); derr != nil {
			s.log.Warn("admission key left behind", "admission", id, "err", derr)
		}
		if err != nil {
			return Admission{}, err
		}
		return Admission{}, s.taken(ctx, bed, p.ID)
	}
	now := s.now().UTC()
	a := Admission{ID: id, Number: n, PatientID: p.ID, MRN: p.MRN, Name: p.Name(), Sex: p.Sex, DOB: p.DOB,
		AllergyStatus: p.Allergies.Status, Source: in.Source, SourceRef: strings.TrimSpace(in.SourceRef),
		Doctor: in.Doctor, DoctorName: in.DoctorName, Department: in.Department, Diagnosis: in.Diagnosis, Reason: in.Reason,
		ExpectedDays: in.ExpectedDays, ExpectedDischarge: s.DateOf(now.AddDate(0, 0, in.ExpectedDays)),
		Ward: bed.Ward, Bed: bed.ID, BedCode: bed.Code, Status: StateActive, AdmittedAt: now,
		Stays:   []Stay{{Ward: bed.Ward, Bed: bed.ID, BedCode: bed.Code, BedType: bed.BedType, From: now, By: by}},
		Pending: []string{followLists}, Events: []Event{{At: now, By: by, What: "admitted", Detail: "bed " + bed.ID}},
		Version: 1, Stamp: catalog.Stamp{CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}}
	for _, al := range p.Allergies.Items {
		a.Allergies = append(a.Allergies, al.Substance)
	}
	if _, err := s.adms.W.InsertOne(ctx, a); err != nil {
		// The bed and key stay claimed for a minute and are then cleared by Repair and
		// the next admission of this patient; better than freeing a bed that may be in use.
		return Admission{}, fmt.Errorf("store: admission %s: %w", id, err)
	}
	return s.follow(ctx, a)
}

// taken builds the answer to a lost bed: the next free bed of the ward and bed type.
func (s *Store) taken(ctx context.Context, bed Bed, patientID string) error {
	free, err := s.FreeBeds(ctx, bed.Ward, patientID)
	if err != nil {
		return err
	}
	for _, b := range free {
		if b.BedType == bed.BedType && b.ID != bed.ID {
			return &BedTakenError{Next: b.ID}
		}
	}
	return &BedTakenError{}
}

// ActiveFor returns the patient's active admission, or store.ErrNotFound.
func (s *Store) ActiveFor(ctx context.Context, patientID string) (Admission, error) {
	k, err := byID[keyDoc](ctx, s.keys, activeKey(patientID), "key")
	if err != nil {
		return Admission{}, err
	}
	a, err := s.Admission(ctx, k.Owner)
	if err != nil {
		return a, err
	}
	if !a.Active() {
		return a, fmt.Errorf("%w: no active admission", store.ErrNotFound)
	}
	return a, nil
}

// SetFlags sets the risk flags (fall, isolation) a nurse has assessed.
func (s *Store) SetFlags(ctx context.Context, id string, flags []string, by string) (Admission, error) {
	var clean []string
	for _, f := range flags {
		if f != FlagFall && f != FlagIsolation {
			return Admission{}, fmt.Errorf("%w: flag %q", store.ErrInvalid, f)
		}
		if !slices.Contains(clean, f) {
			clean = append(clean, f)
		}
	}
	now := s.now().UTC()
	var out Admission
	ok, err := guard.Update(ctx, s.db, store.CollAdmissions, id, []guard.Cond{guard.In("status", StateActive, StateDischargeOrdered)},
		bson.D{{Key: "$set", Value: stampSet(now, by, bson.E{Key: "flags", Value: clean})},
			{Key: "$push", Value: bson.D{{Key: "events", Value: Event{At: now, By: by, What: "risk flags", Detail: strings.Join(clean, ", ")}}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}}}, &out)
	if err != nil {
		return out, err
	}
	if !ok {
		return out, fmt.Errorf("%w: the admission is not active", store.ErrInvalid)
	}
	s.bump(ctx, out.Ward)
	return out, nil
}

// tileFields are what a ward board tile shows of an admission; the board reads no more.
var tileFields = bson.D{{Key: "patient_id", Value: 1}, {Key: "mrn", Value: 1}, {Key: "name", Value: 1}, {Key: "sex", Value: 1},
	{Key: "dob", Value: 1}, {Key: "allergies", Value: 1}, {Key: "allergy_status", Value: 1}, {Key: "doctor_name", Value: 1},
	{Key: "expected_discharge", Value: 1}, {Key: "ward", Value: 1}, {Key: "bed", Value: 1}, {Key: "bed_code", Value: 1},
	{Key: "status", Value: 1}, {Key: "admitted_at", Value: 1}, {Key: "flags", Value: 1}, {Key: "unacked", Value: 1},
	{Key: "vitals_abnormal", Value: 1}, {Key: "next_due", Value: 1}}

// tileCache keeps the tiles of each ward as read at one revision of the ward: every
// change a tile shows moves the revision (bump, after the write), so tiles cached at the
// revision the board just read are current, on any number of instances. The five-minute
// bucket bounds the harm of a bump that failed.
type tileCache struct {
	mu    sync.Mutex
	wards map[string]cachedTiles
}

type cachedTiles struct {
	rev, bucket int64
	tiles       map[string]Admission
}

// Tiles returns the tile fields of a ward's admissions as of the ward revision rev (read
// by the caller before): from the cache when the ward has not changed since, else by _id
// (each an indexed read), a few at a time in parallel.
func (s *Store) Tiles(ctx context.Context, ward string, rev int64, ids []string) (map[string]Admission, error) {
	bucket := s.now().Unix() / 300
	s.tc.mu.Lock()
	c, ok := s.tc.wards[ward]
	s.tc.mu.Unlock()
	out := make(map[string]Admission, len(ids))
	var missing []string
	for _, id := range ids {
		if a, hit := c.tiles[id]; ok && hit && c.rev == rev && c.bucket == bucket {
			out[id] = a
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	read, err := s.readTiles(ctx, missing)
	if err != nil {
		return nil, err
	}
	for id, a := range read {
		out[id] = a
	}
	s.tc.mu.Lock()
	if s.tc.wards == nil {
		s.tc.wards = map[string]cachedTiles{}
	}
	s.tc.wards[ward] = cachedTiles{rev: rev, bucket: bucket, tiles: out}
	s.tc.mu.Unlock()
	return out, nil
}

func (s *Store) readTiles(ctx context.Context, ids []string) (map[string]Admission, error) {
	out := make(map[string]Admission, len(ids))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for _, id := range ids {
		g.Go(func() error {
			var a Admission
			err := s.adms.R.FindOne(gctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(tileFields)).Decode(&a)
			if store.NoDocs(err) {
				return fmt.Errorf("%w: admission %s", store.ErrNotFound, id)
			}
			if err != nil {
				return fmt.Errorf("store: admission %s: %w", id, err)
			}
			mu.Lock()
			out[id] = a
			mu.Unlock()
			return nil
		})
	}
	return out, g.Wait()
}
