package store

// Collections and indexes of the billing desk: invoices, payments, claims (store/billing).

var billingCollections = []string{}

var billingIndexes = []Index{}
