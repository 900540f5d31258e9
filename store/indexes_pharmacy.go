package store

import "go.mongodb.org/mongo-driver/v2/bson"

// Collections and indexes of the pharmacy: stock, ledger, dispensing (store/pharmacy).
// Every hot read is by _id; the per-drug stock document is the bucket the dispense page
// and the alerts page read instead of filtering the batches.
const (
	CollBatches          = "pharmacy_batches"      // _id = the batch (lot) number, upper case: one drug per batch number
	CollLedger           = "pharmacy_ledger"       // _id = the movement: grn:<grn>:<line>, disp:<line>, ret:<line>:<n>, adj:<n>
	CollStock            = "pharmacy_stock"        // _id = drug code: a copy of each batch's balance (bucket)
	CollGRNs             = "pharmacy_grns"         // _id = "GRN" + number: goods received notes
	CollSupplies         = "pharmacy_supplies"     // _id = rx:<visit>:<line> or med:<order>: how much was supplied against an order
	CollDispenseLines    = "dispense_lines"        // _id = the barcode on the label; the ward's MAR reads it by _id
	CollPatientMeds      = "pharmacy_patient_meds" // _id = patient id: recently dispensed drugs (interaction check)
	CollDrugInteractions = "drug_interactions"     // _id = <generic>|<generic>, folded and sorted
)

var pharmacyCollections = []string{CollBatches, CollLedger, CollStock, CollGRNs, CollSupplies, CollDispenseLines,
	CollPatientMeds, CollDrugInteractions}

// Every hot read is by _id. The ledger check and the stock overview read whole
// collections (no filter); the start-up repair filters on state, declared here so a real
// MongoDB answers it from an index.
var pharmacyIndexes = []Index{
	{Coll: CollGRNs, Keys: bson.D{{Key: "status", Value: 1}}, Why: "repair: GRNs left posting by a crash"},
	{Coll: CollSupplies, Keys: bson.D{{Key: "lines.state", Value: 1}}, Why: "repair: dispenses counted whose line was not written"},
	{Coll: CollDispenseLines, Keys: bson.D{{Key: "returns.done", Value: 1}}, Why: "repair: returns whose follow-ups were not written"},
}
