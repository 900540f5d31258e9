package store

// Collections of the patient portal (store/portal). Every read is by _id: a patient's
// activation code and account link by the patient id, a throttle counter by its key.
const (
	CollPortalKeys     = "portal_keys"     // code:<patient> (the one live activation code), account:<patient> (the portal username)
	CollPortalAttempts = "portal_attempts" // mrn:<MRN>, ip:<address>: failed activations, like login_attempts
)

var portalCollections = []string{CollPortalKeys, CollPortalAttempts}

var portalIndexes = []Index{}
