package store

// Collections and indexes of the pharmacy: stock, ledger, dispensing (store/pharmacy).

var pharmacyCollections = []string{}

var pharmacyIndexes = []Index{}
