package opd_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/opd"
)

func TestOrdersReachTheLabAndRadiologyWorklists(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.patient(t, "Asha", "Verma")
	v := e.withDoctor(t, p)
	v, err := e.s.AddLabOrder(ctx, v.ID, opd.OrderInput{Code: "CBC", Priority: "urgent", Notes: "fever 5 days"}, "dr.rao")
	require.NoError(t, err)
	v, err = e.s.AddRadiologyOrder(ctx, v.ID, opd.OrderInput{Code: "xr-chest-pa"}, "dr.rao")
	require.NoError(t, err)
	assert.Empty(t, v.Pending, "the order documents are stored")
	require.Len(t, v.Orders, 2)
	assert.Equal(t, v.ID+"-L1", v.Orders[0].DocID)
	assert.Equal(t, v.ID+"-R2", v.Orders[1].DocID)

	lab, err := e.s.Order(ctx, opd.OrderLab, v.ID+"-L1")
	require.NoError(t, err)
	assert.Equal(t, opd.OrderOrdered, lab.Status)
	assert.Equal(t, "LAB-CBC", lab.ServiceCode)
	assert.Equal(t, opd.PriorityUrgent, lab.Priority)
	assert.Equal(t, "fever 5 days", lab.ClinicalNotes)
	assert.Equal(t, p.MRN, lab.MRN)
	assert.Equal(t, p.ID, lab.PatientID)
	assert.Equal(t, "dr.rao", lab.Doctor)
	assert.Equal(t, "EDTA", lab.Container)
	assert.Equal(t, []string{"HB"}, lab.Components)
	assert.Equal(t, monday.UTC(), lab.OrderedAt.UTC())
	rad, err := e.s.Order(ctx, opd.OrderRadiology, v.ID+"-R2")
	require.NoError(t, err)
	assert.Equal(t, "RAD-XR-CHEST", rad.ServiceCode)
	assert.Equal(t, opd.PriorityRoutine, rad.Priority)
	assert.Equal(t, "XR", rad.Modality)

	_, err = e.s.AddLabOrder(ctx, v.ID, opd.OrderInput{Code: "CBC"}, "dr.rao")
	assert.ErrorIs(t, err, store.ErrDuplicate)
	_, err = e.s.AddLabOrder(ctx, v.ID, opd.OrderInput{Code: "HB"}, "dr.rao")
	assert.ErrorIs(t, err, store.ErrInvalid, "a panel member is not orderable on its own")
	_, err = e.s.AddRadiologyOrder(ctx, v.ID, opd.OrderInput{Code: "PET-CT"}, "dr.rao")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = e.s.AddLabOrder(ctx, v.ID, opd.OrderInput{Code: "CBC", Priority: "whenever"}, "dr.rao")
	assert.ErrorIs(t, err, store.ErrInvalid)

	v, err = e.s.CancelOrder(ctx, v.ID, 1, "ordered by mistake", "dr.rao")
	require.NoError(t, err)
	assert.Equal(t, opd.OrderCancelled, v.Orders[0].Status)
	lab, err = e.s.Order(ctx, opd.OrderLab, v.ID+"-L1")
	require.NoError(t, err)
	assert.Equal(t, opd.OrderCancelled, lab.Status)
	_, err = e.s.AddLabOrder(ctx, v.ID, opd.OrderInput{Code: "CBC"}, "dr.rao")
	assert.NoError(t, err, "a cancelled order may be placed again")
}

func TestRadiologyExamsUseThePriceListCodes(t *testing.T) {
	for _, ex := range opd.RadiologyExams {
		assert.NotEmpty(t, ex.ServiceCode, ex.Code)
	}
	e, ok := opd.ExamByCode("CT-HEAD")
	require.True(t, ok)
	assert.Equal(t, "RAD-CT-HEAD", e.ServiceCode)
}
