package store

import "go.mongodb.org/mongo-driver/v2/bson"

// Collections and indexes of the pharmacy: stock, ledger, dispensing (store/pharmacy).
// Every hot read is by _id; the per-drug stock document is the bucket the dispense page
// and the alerts page read instead of filtering the batches.
const (
	CollBatches          = "pharmacy_batches"      // _id = the batch (lot) number, upper case: one drug per batch number
	CollStockLedger      = "pharmacy_ledger"       // _id = the movement: grn:<grn>:<line>, disp:<line>, ret:<line>:<n>, adj:<n>
	CollStock            = "pharmacy_stock"        // _id = drug code: a copy of each batch's balance (bucket)
	CollGRNs             = "pharmacy_grns"         // _id = "GRN" + number: goods received notes
	CollSupplies         = "pharmacy_supplies"     // _id = rx:<visit>:<line> or med:<order>: how much was supplied against an order
	CollDispenseLines    = "dispense_lines"        // _id = the barcode on the label; the ward's MAR reads it by _id
	CollPatientMeds      = "pharmacy_patient_meds" // _id = patient id: recently dispensed drugs (interaction check)
	CollDrugInteractions = "drug_interactions"     // _id = <generic>|<generic>, folded and sorted
)

var pharmacyCollections = []string{CollBatches, CollStockLedger, CollStock, CollGRNs, CollSupplies, CollDispenseLines,
	CollPatientMeds, CollDrugInteractions}

// The ledger check reads the whole ledger in one pass (a declared scan). The start-up
// repair looks for writes left half-done by state; on MongoDB these indexes answer it,
// on the embedded engine it scans the three collections once at start.
var pharmacyIndexes = []Index{
	{Coll: CollGRNs, Keys: bson.D{{Key: "status", Value: 1}}, Why: "repair: goods received notes still posting"},
	{Coll: CollSupplies, Keys: bson.D{{Key: "lines.state", Value: 1}}, Why: "repair: supplies whose stock was reserved but not dispensed"},
	{Coll: CollDispenseLines, Keys: bson.D{{Key: "returns.done", Value: 1}}, Why: "repair: returns recorded but not finished"},
}
