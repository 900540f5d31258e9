package views

import "hms/views/components"

// LabChartRow is one released result in the patient's chart or consultation.
type LabChartRow struct {
	Date, Test, Panel, Value, Unit, Flag, Range string
	OrderID                                     string
	Preliminary, Amended                        bool
	Seal                                        components.Seal // the verified report's signature
}

// LabTrendPoint is one value of a repeated test, placed in the trend's 240×60 box.
type LabTrendPoint struct {
	Date, Value, Flag string
	X, Y              int
}

// LabTrend is a repeated numeric test over time.
type LabTrend struct {
	Code, Name, Unit string
	Points           []LabTrendPoint // oldest first
	Polyline         string          // SVG points
	Min, Max         string
}

// LabChartVM is a patient's released results with trends, and the viewer's open critical alerts.
type LabChartVM struct {
	CSRF   string
	Rows   []LabChartRow
	Trends []LabTrend
	Alerts []LabAlertRow
	More   int // results not shown (older)
}
