package opd_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/opd"
)

func TestImplausibleVitalsAreRefusedWithTheLimit(t *testing.T) {
	for _, c := range []struct {
		name    string
		v       opd.Vitals
		field   string
		message string
	}{
		{"BP 400/20", opd.Vitals{Systolic: f(400), Diastolic: f(20)}, opd.FieldSystolic, "Systolic BP must be between 50 and 300 mmHg"},
		{"diastolic 20", opd.Vitals{Systolic: f(120), Diastolic: f(20)}, opd.FieldDiastolic, "Diastolic BP must be between 30 and 200 mmHg"},
		{"SpO2 120", opd.Vitals{SpO2: f(120)}, opd.FieldSpO2, "SpO2 must be between 50 and 100 %"},
		{"systolic equal to diastolic", opd.Vitals{Systolic: f(90), Diastolic: f(90)}, opd.FieldSystolic, "Systolic BP must be higher than diastolic BP"},
		{"systolic below diastolic", opd.Vitals{Systolic: f(80), Diastolic: f(110)}, opd.FieldSystolic, "Systolic BP must be higher than diastolic BP"},
		{"systolic alone", opd.Vitals{Systolic: f(120)}, opd.FieldDiastolic, "Blood pressure needs both systolic and diastolic"},
		{"temperature 50", opd.Vitals{TempC: f(50)}, opd.FieldTemp, "Temperature must be between 30 and 45 °C"},
		{"pulse 300", opd.Vitals{Pulse: f(300)}, opd.FieldPulse, "Pulse must be between 20 and 250 /min"},
		{"respiratory rate 2", opd.Vitals{RespRate: f(2)}, opd.FieldRespRate, "Respiratory rate must be between 4 and 80 /min"},
		{"pain 11", opd.Vitals{Pain: f(11)}, opd.FieldPain, "Pain score must be between 0 and 10"},
		{"weight 0", opd.Vitals{WeightKg: f(0)}, opd.FieldWeight, "Weight must be between 0.3 and 350 kg"},
		{"height 300", opd.Vitals{HeightCm: f(300)}, opd.FieldHeight, "Height must be between 20 and 250 cm"},
		{"nothing taken", opd.Vitals{}, "", "Enter at least one vital sign"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.v.Check()
			var ve *opd.VitalsError
			require.True(t, errors.As(err, &ve), "%v", err)
			assert.Equal(t, c.field, ve.Field)
			assert.Equal(t, c.message, ve.Message)
			assert.ErrorIs(t, err, store.ErrInvalid)
		})
	}
	ok := opd.Vitals{TempC: f(36.8), Pulse: f(72), Systolic: f(118), Diastolic: f(76), RespRate: f(16), SpO2: f(98),
		WeightKg: f(70), HeightCm: f(175), Pain: f(0)}
	assert.NoError(t, ok.Check())
	assert.Len(t, opd.Vitals{Systolic: f(400), Diastolic: f(20), SpO2: f(120)}.Problems(), 3, "every problem is listed for the form")
}

func TestBMIAndAbnormalFlags(t *testing.T) {
	assert.InDelta(t, 22.9, *opd.BMIOf(opd.Vitals{WeightKg: f(70), HeightCm: f(175)}), 0.001)
	assert.InDelta(t, 31.2, *opd.BMIOf(opd.Vitals{WeightKg: f(95.5), HeightCm: f(175)}), 0.001)
	assert.Nil(t, opd.BMIOf(opd.Vitals{WeightKg: f(70)}), "no height, no BMI")

	normal := opd.VitalsRecord{Vitals: opd.Vitals{TempC: f(36.8), Pulse: f(72), Systolic: f(118), Diastolic: f(76), SpO2: f(98), Pain: f(2)}}
	assert.Empty(t, normal.AbnormalFields())
	high := opd.VitalsRecord{Vitals: opd.Vitals{TempC: f(38.6), Pulse: f(112), Systolic: f(162), Diastolic: f(98), SpO2: f(91), Pain: f(7)},
		BMI: f(31.2)}
	assert.Equal(t, []string{opd.FieldTemp, opd.FieldPulse, opd.FieldSystolic, opd.FieldDiastolic, opd.FieldSpO2, opd.FieldPain, opd.FieldBMI},
		high.AbnormalFields())
	assert.True(t, high.Abnormal(opd.FieldSpO2))
	assert.False(t, high.Abnormal(opd.FieldWeight), "weight is never flagged")
}

func TestRecordingVitalsMovesThePatientToVitalsDone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.walkIn(t, e.patient(t, "Asha", "Verma"), "dr.rao")
	_, err := e.s.RecordVitals(ctx, v.ID, opd.Vitals{Systolic: f(400), Diastolic: f(20)}, "nurse.mary")
	var ve *opd.VitalsError
	require.True(t, errors.As(err, &ve))
	cur, err := e.s.Visit(ctx, v.ID)
	require.NoError(t, err)
	assert.Equal(t, opd.StateWaiting, cur.Status, "refused vitals change nothing")
	assert.Empty(t, cur.Vitals)

	v, err = e.s.RecordVitals(ctx, v.ID, opd.Vitals{Systolic: f(150), Diastolic: f(95), WeightKg: f(70), HeightCm: f(175)}, "nurse.mary")
	require.NoError(t, err)
	assert.Equal(t, opd.StateVitalsDone, v.Status)
	last, ok := v.LatestVitals()
	require.True(t, ok)
	assert.InDelta(t, 22.9, *last.BMI, 0.001)
	assert.Equal(t, "nurse.mary", last.By)
	q, err := e.s.Queue(ctx, "2030-03-04", "dr.rao")
	require.NoError(t, err)
	require.Len(t, q.Entries, 1)
	assert.Equal(t, opd.StateVitalsDone, q.Entries[0].State)
	assert.True(t, q.Entries[0].VitalsTaken)
	assert.True(t, q.Entries[0].Abnormal, "150/95 is highlighted")

	done := reach(t, e, opd.StateCompleted)
	_, err = e.s.RecordVitals(ctx, done.ID, opd.Vitals{Pulse: f(80)}, "nurse.mary")
	assert.ErrorIs(t, err, store.ErrInvalid, "not after the visit ended")
}
