package store

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collection names, one per module concern.
const (
	CollCounters      = "counters"
	CollUsers         = "users"
	CollSessions      = "sessions"
	CollLoginAttempts = "login_attempts"
	CollDepartments   = "departments"
	CollWards         = "wards"
	CollBeds          = "beds"
	CollPrices        = "price_list"
	CollDrugs         = "drugs"
	CollLabTests      = "lab_tests"
	CollPatients      = "patients"
	CollPatientKeys   = "patient_keys"
	CollAccounts      = "billing_accounts"
	CollPayers        = "payers"
	CollWorklists     = "worklists"  // one document per department list of open work (store/worklist)
	CollOps           = "ops_status" // backup:last, backup:good, check:last — what the admin page reports
)

// Collections of the OPD (appointments, queue, consultation) and what it feeds.
const (
	CollStaffProfiles   = "staff_profiles"   // OPD profile, weekly sessions and exceptions; _id = username
	CollRosters         = "staff_rosters"    // roster:<ward>:<date>:<shift>, oncall:<dept>:<date>:<shift>
	CollAppointments    = "opd_appointments" // _id = "A" + appointment number
	CollOPDKeys         = "opd_keys"         // insert-once keys: slot:<doctor>:<start>, checkin:<appointment>
	CollOPDDays         = "opd_days"         // day:<date>:<doctor>, dept:<date>:<dept>, journal:<date>
	CollQueues          = "opd_queues"       // queue:<date>:<doctor>
	CollVisits          = "opd_visits"       // _id = "V" + visit number
	CollLabOrders       = "lab_orders"       // _id = <visit>-L<line>
	CollRadiologyOrders = "radiology_orders" // _id = <visit>-R<line>
	CollCharges         = "charges"          // _id derived from the source: visit:<visit>:consult
)

// Collections of the audit trail (store/audit); every read is by _id, no index needed.
const (
	CollAudit          = "audit"            // the hash chain: _id = sequence number, 12-digit zero-padded; insert and read only
	CollAuditHead      = "audit_head"       // one document, _id "head": {seq, hash} of the newest event
	CollAuditByPatient = "audit_by_patient" // <patientID>:<YYYY-MM> → who touched the patient that month (capped)
)

// Collections is every collection of the system; the embedded engine creates each at
// start so it can be given its _id index (sqlite_id.go). Each department's own
// collections and indexes are declared in its indexes_<area>.go.
var Collections = slices.Concat(coreCollections, ipdCollections, labCollections, pharmacyCollections, billingCollections,
	retentionCollections, portalCollections)

var coreCollections = []string{CollWorklists, CollOps, CollCounters, CollUsers, CollSessions, CollLoginAttempts, CollDepartments, CollWards,
	CollBeds, CollPrices, CollDrugs, CollLabTests, CollPatients, CollPatientKeys, CollAccounts, CollPayers,
	CollStaffProfiles, CollRosters, CollAppointments, CollOPDKeys, CollOPDDays, CollQueues, CollVisits,
	CollLabOrders, CollRadiologyOrders, CollCharges, CollAudit, CollAuditHead, CollAuditByPatient}

// WholeReads are the collections the store may read whole or filter without an index:
// small reference data (hundreds to a few thousand documents) read once and cached. The
// index audit (storetest) fails any other query that no index serves.
var WholeReads = map[string]string{
	CollDepartments:      "a few dozen departments",
	CollWards:            "a few dozen wards",
	CollBeds:             "hundreds of beds, read per ward or whole for the census",
	CollPrices:           "the price list: hundreds of services, cached",
	CollDrugs:            "the formulary: a few thousand drugs, cached 30 s",
	CollLabTests:         "the lab catalogue: hundreds of tests, cached 30 s",
	CollPayers:           "a few dozen insurers",
	CollStaffProfiles:    "one per doctor: hundreds",
	CollStock:            "one stock summary per drug: a few thousand (the alerts page)",
	CollDrugInteractions: "known interacting pairs of generics: hundreds, read whole for the check",
	CollUsers:            "staff accounts: hundreds to a few thousand (the admin list, the seed's emptiness check)",
}

// Index is one secondary index a query shape relies on.
type Index struct {
	Coll   string
	Keys   bson.D
	Unique bool
	Why    string // the query that needs it
}

// Indexes is every secondary index. Lookups by _id need none.
var Indexes = slices.Concat(coreIndexes, ipdIndexes, labIndexes, pharmacyIndexes, billingIndexes,
	retentionIndexes, portalIndexes)

var coreIndexes = []Index{
	{Coll: CollSessions, Keys: bson.D{{Key: "user_id", Value: 1}, {Key: "expires_at", Value: -1}}, Why: "active sessions of one user (admin page, revoke on password change)"},
	{Coll: CollSessions, Keys: bson.D{{Key: "expires_at", Value: 1}}, Why: "purge of expired sessions"},
	{Coll: CollBeds, Keys: bson.D{{Key: "ward_id", Value: 1}, {Key: "code", Value: 1}}, Unique: true, Why: "beds of one ward, in bed order"},
	{Coll: CollPatients, Keys: bson.D{{Key: "mrn", Value: 1}}, Unique: true, Why: "patient by MRN (MongoDB only: the embedded engine answers from the search index)"},
	{Coll: CollPatients, Keys: bson.D{{Key: "rev", Value: 1}}, Why: "search index catch-up: patients changed since rev n, by another instance"},
}

// EnsureIndexes creates every declared index; it is safe to run at every start. On the
// embedded engine it also gives every collection the _id index FerretDB's own lacks (see
// sqlite_id.go).
func (db *DB) EnsureIndexes(ctx context.Context) error {
	if err := db.ensureIDIndexes(ctx); err != nil {
		return err
	}
	for _, ix := range Indexes {
		model := mongo.IndexModel{Keys: ix.Keys}
		if ix.Unique {
			model.Options = options.Index().SetUnique(true)
		}
		if _, err := db.W.Collection(ix.Coll).Indexes().CreateOne(ctx, model); err != nil {
			return fmt.Errorf("store: index on %s %v: %w", ix.Coll, ix.Keys, err)
		}
	}
	return nil
}
