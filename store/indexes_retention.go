package store

import "go.mongodb.org/mongo-driver/v2/bson"

// CollRetention holds the retention settings: one document, _id "retention", read by _id.
const CollRetention = "retention_settings"

var retentionCollections = []string{CollRetention}

// The purge (store/retention) deletes by these date fields; sessions' expires_at index is a core one.
var retentionIndexes = []Index{
	{Coll: CollLoginAttempts, Keys: bson.D{{Key: "last_at", Value: 1}}, Why: "retention purge of old failed-login counters"},
	{Coll: CollQueues, Keys: bson.D{{Key: "date", Value: 1}}, Why: "retention purge of closed OPD queues (the date of the queue:<date>:<doctor> bucket)"},
}
