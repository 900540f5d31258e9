package store

// Collections and indexes of the laboratory: orders, samples, results (store/lab).
// Every read of these is by _id (a sample by its accession number, a patient's released
// results by the patient id, an alert by its id), so none needs a secondary index.
const (
	CollLabSamples   = "lab_samples"    // _id = accession number; one per specimen collected
	CollLabByPatient = "lab_by_patient" // _id = patient id; the patient's released results (chart, delta check)
	CollLabAlerts    = "lab_alerts"     // _id = crit:<order>:<n>; one critical-value notification and its steps
)

var labCollections = []string{CollLabSamples, CollLabByPatient, CollLabAlerts}

var labIndexes = []Index{}
