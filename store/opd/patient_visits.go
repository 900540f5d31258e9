package opd

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// PatientVisit is one OPD visit as a patient's chart lists it.
type PatientVisit struct {
	VisitID     string    `bson:"visit_id"`
	Date        string    `bson:"date"`
	Token       int64     `bson:"token"`
	Doctor      string    `bson:"doctor"`
	DoctorName  string    `bson:"doctor_name"`
	Department  string    `bson:"department"`
	Complaint   string    `bson:"complaint,omitempty"`
	State       string    `bson:"state"`
	CheckedInAt time.Time `bson:"checked_in_at"`
	Seq         int64     `bson:"seq"`
}

// patientVisitsID is the bucket of one patient's visits: the chart reads it by _id
// instead of filtering the visits collection, which grows forever (DESIGN rule 3).
func patientVisitsID(patientID string) string { return "patient:" + patientID }

// syncPatientVisits copies the visit into the patient's bucket unless it holds a newer
// copy; like the queue bucket it is re-applied by Repair while the visit is ahead of it.
func (s *Store) syncPatientVisits(ctx context.Context, v Visit) error {
	id := patientVisitsID(v.PatientID)
	pv := PatientVisit{VisitID: v.ID, Date: v.Date, Token: v.Token, Doctor: v.Doctor, DoctorName: v.DoctorName,
		Department: v.Department, Complaint: v.Complaint, State: v.Status, CheckedInAt: v.CheckedInAt, Seq: v.Seq}
	write := func() (bool, error) {
		return guard.Update(ctx, s.db, store.CollOPDDays, id, []guard.Cond{guard.Below("visits."+v.ID+".seq", v.Seq+1)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "visits." + v.ID, Value: pv}}}}, nil)
	}
	ok, err := write()
	if err != nil || ok {
		return err
	}
	err = upsert(ctx, s.days, id, bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "patient_id", Value: v.PatientID},
		{Key: "visits", Value: bson.D{}}}}})
	if err != nil {
		return err
	}
	_, err = write()
	return err
}

// PatientVisits lists a patient's OPD visits, newest first: one read by _id.
func (s *Store) PatientVisits(ctx context.Context, patientID string) ([]PatientVisit, error) {
	var doc struct {
		Visits map[string]PatientVisit `bson:"visits"`
	}
	err := s.days.R.FindOne(ctx, bson.D{{Key: "_id", Value: patientVisitsID(patientID)}}).Decode(&doc)
	if store.NoDocs(err) {
		return nil, nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	out := make([]PatientVisit, 0, len(doc.Visits))
	for _, v := range doc.Visits {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b PatientVisit) int {
		return cmp.Or(b.CheckedInAt.Compare(a.CheckedInAt), cmp.Compare(b.VisitID, a.VisitID))
	})
	return out, nil
}
