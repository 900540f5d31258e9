package opd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// CancelFutureAppointments cancels every booked appointment of a patient starting after
// from, with reason (a death recorded on the ward). It is rare, so it may filter by
// patient (an index on patient_id, start is declared by the wards). It returns how many
// it cancelled; one already cancelled is skipped, so it can be re-applied.
func (s *Store) CancelFutureAppointments(ctx context.Context, patientID string, from time.Time, reason, by string) (int, error) {
	cur, err := s.appts.R.Find(ctx, bson.D{{Key: "patient_id", Value: patientID},
		{Key: "start", Value: bson.D{{Key: "$gt", Value: from.UTC()}}}}, options.Find().SetLimit(500))
	if err != nil {
		return 0, fmt.Errorf("store: appointments of %s: %w", patientID, err)
	}
	var list []Appointment
	if err := cur.All(ctx, &list); err != nil {
		return 0, fmt.Errorf("store: appointments of %s: %w", patientID, err)
	}
	n := 0
	for _, a := range list {
		if a.Status != ApptBooked {
			continue
		}
		if _, err := s.CancelAppointment(ctx, a.ID, strings.TrimSpace(reason), by); err != nil && err != ErrAlreadyDone {
			return n, err
		}
		n++
	}
	return n, nil
}
