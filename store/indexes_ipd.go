package store

import "go.mongodb.org/mongo-driver/v2/bson"

// Collections and indexes of the wards: admissions, beds, nursing, orders, MAR (store/ipd).
// Every hot read of the wards is by _id: a bed's occupant is on the bed document, the
// admission is read by its id, a patient's active admission by the key active:<patient>.
const (
	CollAdmissions = "ipd_admissions" // _id = "IP" + admission number
	CollIPDKeys    = "ipd_keys"       // insert-once keys: active:<patient> → the active admission
	CollIPDLists   = "ipd_lists"      // active (admission ids), census:<ward>:<date>, rev:<ward>
	CollIPDOrders  = "ipd_orders"     // _id = admission id: the stay's doctor orders, version-guarded
	CollIPDDoses   = "ipd_doses"      // _id = <order>@<slot>: one administration (or care task) record, insert-once
	CollIPDCharts  = "ipd_charts"     // _id = admission id: vitals, nursing notes, intake/output, PRN doses
)

var ipdCollections = []string{CollAdmissions, CollIPDKeys, CollIPDLists, CollIPDOrders, CollIPDDoses, CollIPDCharts}

// Two rare query shapes besides _id: a deceased patient's appointments, the occupied beds at start-up.
var ipdIndexes = []Index{
	{Coll: CollAppointments, Keys: bson.D{{Key: "patient_id", Value: 1}, {Key: "start", Value: 1}}, Why: "a deceased patient's future appointments, cancelled (ipd)"},
	{Coll: CollBeds, Keys: bson.D{{Key: "status", Value: 1}}, Why: "occupied beds checked against their admissions at start-up (ipd Repair)"},
}
