package lab_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/billing"
	"hms/store/lab"
	"hms/store/opd"
	"hms/store/worklist"
)

func TestAccessionNumbersAreUniqueUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "M", 1980)
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = e.order(t, p, "CBC", "routine")
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := e.lab.Collect(ctx, id, lab.AtLab, "labtech")
			assert.NoError(t, err)
			mu.Lock()
			seen[o.Accession] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	assert.Len(t, seen, 20, "twenty specimens, twenty accession numbers")
	for acc := range seen {
		sm, err := e.lab.Sample(ctx, acc)
		require.NoError(t, err)
		assert.Equal(t, p.MRN, sm.MRN)
	}

	// Twenty technicians collecting the same order: one specimen.
	one := e.order(t, p, "GLU-F", "stat")
	var wins, refused int
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.lab.Collect(ctx, one, lab.AtLab, "labtech")
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else if errors.Is(err, store.ErrInvalid) {
				refused++
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, wins)
	assert.Equal(t, 19, refused)
}

func TestPanelIsChargedOnceAsAPanelAtCollectionAndReversedOnCancel(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "F", 1970)
	id := e.order(t, p, "CBC", "routine")
	charges := billing.NewCharges(e.db)
	_, err := charges.ByID(ctx, lab.ChargeID(id))
	require.ErrorIs(t, err, store.ErrNotFound, "no charge before the sample is collected")

	o, err := e.lab.Collect(ctx, id, lab.AtWard, "nurse")
	require.NoError(t, err)
	assert.Equal(t, lab.StatusCollected, o.Status, "ward-collected: in transit")
	ch, err := charges.ByID(ctx, lab.ChargeID(id))
	require.NoError(t, err)
	assert.Equal(t, "LAB-CBC", ch.ServiceCode)
	assert.Equal(t, int64(35000), ch.Amount)

	// Rejected and collected again: a new accession, still one charge.
	o, err = e.lab.Reject(ctx, id, "haemolysed", "labtech")
	require.NoError(t, err)
	assert.Equal(t, lab.StatusOrdered, o.Status)
	first := o.Rejections[0].Accession
	sm, err := e.lab.Sample(ctx, first)
	require.NoError(t, err)
	assert.Equal(t, "haemolysed", sm.Rejected)
	o, err = e.lab.Collect(ctx, id, lab.AtLab, "labtech")
	require.NoError(t, err)
	assert.NotEqual(t, first, o.Accession)
	assert.Equal(t, lab.StatusReceived, o.Status)

	o, err = e.lab.Cancel(ctx, id, "patient left", "dr.rao")
	require.NoError(t, err)
	assert.Equal(t, lab.StatusCancelled, o.Status)
	ch, err = charges.ByID(ctx, lab.ChargeID(id))
	require.NoError(t, err)
	assert.Equal(t, billing.ChargeReversed, ch.Status)
	_, err = e.lab.Order(ctx, id)
	require.NoError(t, err)
	_, err = worklist.New(e.db).Get(ctx, worklist.Lab, id)
	assert.ErrorIs(t, err, store.ErrNotFound, "a cancelled order leaves the worklist")

	// A resulted order can no longer be cancelled.
	id2 := e.order(t, p, "GLU-F", "routine")
	e.resulted(t, id2, map[string]string{"GLU-F": "90"})
	_, err = e.lab.Cancel(ctx, id2, "changed my mind", "dr.rao")
	assert.ErrorIs(t, err, store.ErrInvalid)
}

func TestResultsAreVerifiedBySomeoneElseAndThenReadOnly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "M", 1980)
	id := e.order(t, p, "CBC", "routine")
	_, err := e.lab.Collect(ctx, id, lab.AtLab, "labtech")
	require.NoError(t, err)
	o, _ := e.lab.Order(ctx, id)

	_, err = e.lab.EnterResults(ctx, id, o.Version, map[string]string{"HB": "-1", "PLT": "abc"}, "labtech", "Lab Tech")
	var fe lab.FieldErrors
	require.ErrorAs(t, err, &fe)
	assert.Contains(t, fe["HB"], "cannot be negative")
	assert.Contains(t, fe["PLT"], "needs a number")
	same, _ := e.lab.Order(ctx, id)
	assert.Equal(t, o.Version, same.Version, "nothing stored")

	o, err = e.lab.EnterResults(ctx, id, o.Version, map[string]string{"HB": "12.5", "PLT": "250"}, "labtech", "Lab Tech")
	require.NoError(t, err)
	assert.Equal(t, lab.StatusResulted, o.Status)
	assert.Equal(t, lab.FlagLow, o.Results[0].Flag, "12.5 is low for a man")

	_, err = e.lab.Verify(ctx, id, o.Version, "labtech", "Lab Tech", "Pathologist")
	assert.ErrorIs(t, err, lab.ErrSamePerson)
	o, err = e.lab.Verify(ctx, id, o.Version, "pathologist", "Dr. Path", "Pathologist")
	require.NoError(t, err)
	assert.Equal(t, lab.StatusVerified, o.Status)
	assert.Equal(t, "pathologist", o.VerifiedBy)

	_, err = e.lab.EnterResults(ctx, id, o.Version, map[string]string{"HB": "14", "PLT": "250"}, "labtech", "Lab Tech")
	assert.ErrorIs(t, err, store.ErrInvalid, "a verified result is read-only")
	items, err := e.lab.PatientResults(ctx, p.ID)
	require.NoError(t, err)
	require.Len(t, items, 2)
	_, err = worklist.New(e.db).Get(ctx, worklist.Lab, id)
	assert.ErrorIs(t, err, store.ErrNotFound, "a verified order leaves the worklist")

	// The next CBC shows the change since this one.
	e.clock.Add(24 * time.Hour)
	id2 := e.order(t, p, "CBC", "routine")
	o2 := e.resulted(t, id2, map[string]string{"HB": "13.7", "PLT": "260"})
	assert.Contains(t, o2.Results[0].Prev, "12.5 g/dL")
	assert.Equal(t, "+1.2", o2.Results[0].Delta)
}

func TestTwoTechniciansSavingAtOnceOneWinsVisibly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "F", 1990)
	id := e.order(t, p, "GLU-F", "routine")
	_, err := e.lab.Collect(ctx, id, lab.AtLab, "labtech")
	require.NoError(t, err)
	o, _ := e.lab.Order(ctx, id)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, v := range []string{"90", "190"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.lab.EnterResults(ctx, id, o.Version, map[string]string{"GLU-F": v}, "tech"+v, "Tech")
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			assert.ErrorIs(t, err, store.ErrConflict)
		}
	}
	assert.Equal(t, 1, ok, "exactly one version stored")
}

func TestAmendmentKeepsTheHistory(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "F", 1990)
	id := e.order(t, p, "GLU-F", "routine")
	o := e.resulted(t, id, map[string]string{"GLU-F": "95"})
	o, err := e.lab.Verify(ctx, id, o.Version, "pathologist", "Dr. Path", "Pathologist")
	require.NoError(t, err)

	_, err = e.lab.Amend(ctx, id, o.Version, map[string]string{"GLU-F": "59"}, "  ", "pathologist", "Dr. Path", "Pathologist")
	var fe lab.FieldErrors
	require.ErrorAs(t, err, &fe)
	assert.Contains(t, fe["reason"], "reason is required")

	o, err = e.lab.Amend(ctx, id, o.Version, map[string]string{"GLU-F": "59"}, "transcription error", "pathologist2", "Dr. Second", "Pathologist")
	require.NoError(t, err)
	assert.Equal(t, lab.StatusVerified, o.Status)
	assert.Equal(t, "59", o.Results[0].Value)
	assert.Equal(t, lab.FlagLow, o.Results[0].Flag)
	require.Len(t, o.Amendments, 1)
	assert.Equal(t, "95", o.Amendments[0].Previous[0].Value)
	assert.Equal(t, "transcription error", o.Amendments[0].Reason)
	assert.Equal(t, "pathologist2", o.VerifiedBy, "the amending pathologist signs the corrected report")
	items, _ := e.lab.PatientResults(ctx, p.ID)
	require.Len(t, items, 1)
	assert.Equal(t, "59", items[0].Value)
	assert.True(t, items[0].Amended)
}

func TestPreliminaryReleaseOnlyForUrgentWork(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "M", 1960)
	routine := e.order(t, p, "GLU-F", "routine")
	o := e.resulted(t, routine, map[string]string{"GLU-F": "95"})
	_, err := e.lab.ReleasePreliminary(ctx, routine, o.Version, "labtech")
	assert.ErrorIs(t, err, store.ErrInvalid)

	stat := e.order(t, p, "CBC", opd.PrioritySTAT)
	o = e.resulted(t, stat, map[string]string{"HB": "14", "PLT": "200"})
	o, err = e.lab.ReleasePreliminary(ctx, stat, o.Version, "labtech")
	require.NoError(t, err)
	assert.Equal(t, lab.StatusPreliminary, o.Status)
	items, _ := e.lab.PatientResults(ctx, p.ID)
	require.NotEmpty(t, items)
	assert.Equal(t, lab.StatusPreliminary, items[0].Status, "shown as preliminary")
	o, err = e.lab.Verify(ctx, stat, o.Version, "pathologist", "Dr. Path", "Pathologist")
	require.NoError(t, err)
	items, _ = e.lab.PatientResults(ctx, p.ID)
	assert.Equal(t, lab.StatusVerified, items[0].Status)
}

func TestCriticalResultAlertsTheDoctorAndEscalates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "M", 1960)
	id := e.order(t, p, "GLU-F", opd.PrioritySTAT)
	o := e.resulted(t, id, map[string]string{"GLU-F": "520"})
	assert.Equal(t, lab.FlagCriticalHigh, o.Results[0].Flag)
	mine, _, err := e.lab.AlertsFor(ctx, "dr.rao")
	require.NoError(t, err)
	assert.Empty(t, mine, "no alert before the result is released")
	_, err = e.lab.Verify(ctx, id, o.Version, "pathologist", "Dr. Path", "Pathologist")
	require.NoError(t, err)

	mine, _, _ = e.lab.AlertsFor(ctx, "dr.rao")
	require.Len(t, mine, 1)
	assert.Contains(t, mine[0].Summary, "520 mg/dL (HH)")
	alertID := mine[0].ID
	require.NoError(t, e.lab.MarkSeen(ctx, alertID, "dr.rao"))

	n, err := e.lab.Escalate(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "not yet due")
	e.clock.Add(16 * time.Minute)
	n, err = e.lab.Escalate(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	n, _ = e.lab.Escalate(ctx)
	assert.Zero(t, n, "escalated once")
	theirs, _, _ := e.lab.AlertsFor(ctx, "dr.oncall")
	require.Len(t, theirs, 1)

	_, err = e.lab.Acknowledge(ctx, alertID, "dr.stranger", nil)
	assert.ErrorIs(t, err, store.ErrInvalid)
	_, err = e.lab.Acknowledge(ctx, alertID, "labtech", &lab.ReadBack{ReceivedBy: "Sister Mary"})
	assert.ErrorIs(t, err, store.ErrInvalid, "a call counts only when read back")
	a, err := e.lab.Acknowledge(ctx, alertID, "dr.oncall", nil)
	require.NoError(t, err)
	assert.Equal(t, lab.AlertAcknowledged, a.Status)
	var steps []string
	for _, s := range a.Steps {
		steps = append(steps, s.What+" by "+s.By)
	}
	assert.Equal(t, []string{"raised by pathologist", "seen by dr.rao", "escalated by system", "acknowledged by dr.oncall"}, steps)
	mine, _, _ = e.lab.AlertsFor(ctx, "dr.rao")
	theirs, _, _ = e.lab.AlertsFor(ctx, "dr.oncall")
	assert.Empty(t, mine)
	assert.Empty(t, theirs)
}

func TestTelephonedReadBackCountsAsAcknowledgement(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "F", 1950)
	id := e.order(t, p, "CBC", opd.PriorityUrgent)
	o := e.resulted(t, id, map[string]string{"HB": "5.9", "PLT": "200"})
	o, err := e.lab.ReleasePreliminary(ctx, id, o.Version, "labtech")
	require.NoError(t, err)
	mine, _, _ := e.lab.AlertsFor(ctx, "dr.rao")
	require.Len(t, mine, 1, "a preliminary critical result alerts at once")
	a, err := e.lab.Acknowledge(ctx, mine[0].ID, "labtech", &lab.ReadBack{ReceivedBy: "Dr. Rao", ReadBack: true})
	require.NoError(t, err)
	require.NotNil(t, a.ReadBack)
	assert.Equal(t, "labtech", a.ReadBack.CalledBy)
	// Verification afterwards raises no second alert for the same results.
	_, err = e.lab.Verify(ctx, id, o.Version, "pathologist", "Dr. Path", "Pathologist")
	require.NoError(t, err)
	mine, _, _ = e.lab.AlertsFor(ctx, "dr.rao")
	assert.Empty(t, mine)
}

func TestWardPatientsCriticalResultEscalatesToTheChargeNurse(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var asked string
	e.lab = lab.New(e.db, e.cat, lab.Options{Patients: e.pats, Now: e.clock.Now, OnCall: onCall{"MED": "dr.oncall"},
		WardChargeNurse: func(_ context.Context, admission string, _ time.Time) (string, string, error) {
			asked = admission
			return "chargenurse", "Lakshmi Pillai", nil
		}})
	p := e.patient(t, "F", 1960)
	id := e.orderFrom(t, p, "GLU-F", opd.PrioritySTAT, "ipd")
	o := e.resulted(t, id, map[string]string{"GLU-F": "35"})
	_, err := e.lab.Verify(ctx, id, o.Version, "pathologist", "Dr. Path", "Pathologist")
	require.NoError(t, err)
	e.clock.Add(16 * time.Minute)
	n, err := e.lab.Escalate(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, o.VisitID, asked, "the nurse is found from the admission")
	theirs, _, _ := e.lab.AlertsFor(ctx, "chargenurse")
	require.Len(t, theirs, 1)
	assert.Contains(t, theirs[0].Summary, "35 mg/dL (LL)")
	oncall, _, _ := e.lab.AlertsFor(ctx, "dr.oncall")
	assert.Empty(t, oncall)
	_, err = e.lab.Acknowledge(ctx, theirs[0].ID, "chargenurse", nil)
	require.NoError(t, err)
}
