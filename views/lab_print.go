package views

import "hms/views/components"

// LabLabelVM is a sample label: barcode of the accession, patient, tests, collection time.
type LabLabelVM struct {
	Accession, Name, MRN, AgeSex, Tests, Container, Collected, Priority, OrderID string
}

// LabReportVM is the printable lab report.
type LabReportVM struct {
	Hospital, Name, MRN, AgeSex, Doctor, Where, Test, Accession string
	Collected, Reported, Printed                                string
	Rows                                                        []LabResultRow
	Preliminary, Amended                                        bool
	VerifiedBy, VerifiedAt, EnteredBy                           string
	Amendments                                                  []LabAmendmentRow
	OrderID                                                     string
	Seal                                                        components.Seal // the report's signature
}
