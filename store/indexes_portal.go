package store

import "go.mongodb.org/mongo-driver/v2/bson"

// Collections of the patient portal (store/portal). Every read is by _id: a patient's
// activation code and account link by the patient id, a throttle counter by its key.
const (
	CollPortalKeys     = "portal_keys"     // code:<patient> (the one live activation code), account:<patient> (the portal username)
	CollPortalAttempts = "portal_attempts" // mrn:<MRN>, ip:<address>: failed activations, like login_attempts
)

var portalCollections = []string{CollPortalKeys, CollPortalAttempts}

// Portal accounts make users grow with the patients, so a patient's accounts are found
// by index, not by reading users whole.
var portalIndexes = []Index{
	{Coll: CollUsers, Keys: bson.D{{Key: "patient_id", Value: 1}}, Why: "a patient's portal accounts (pseudonymise disables them)"},
}
