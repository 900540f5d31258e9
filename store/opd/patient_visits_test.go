package opd_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store/opd"
)

func TestAPatientsVisitsAreListedNewestFirstWithTheirState(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "Anil", "Kumar")
	first, err := e.s.CheckIn(ctx, opd.CheckIn{PatientID: p.ID, Doctor: "dr.rao"}, "desk")
	require.NoError(t, err)
	called, err := e.s.Call(ctx, first.ID, "dr.rao")
	require.NoError(t, err)
	assert.Equal(t, opd.StateWithDoctor, called.Status)
	_, err = e.s.CancelVisit(ctx, first.ID, "left", "desk")
	assert.Error(t, err, "a patient with the doctor cannot be cancelled")
	second, err := e.s.CheckIn(ctx, opd.CheckIn{PatientID: p.ID, Doctor: "dr.rao"}, "desk")
	require.NoError(t, err)

	visits, err := e.s.PatientVisits(ctx, p.ID)
	require.NoError(t, err)
	require.Len(t, visits, 2)
	assert.Equal(t, second.ID, visits[0].VisitID, "newest first")
	assert.Equal(t, opd.StateWaiting, visits[0].State)
	assert.Equal(t, opd.StateWithDoctor, visits[1].State, "the copy follows the visit's state")

	none, err := e.s.PatientVisits(ctx, "ffffffffffffffffffffffff")
	require.NoError(t, err)
	assert.Empty(t, none)
}
