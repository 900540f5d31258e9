package store

// Collections and indexes of the laboratory: orders, samples, results (store/lab).

var labCollections = []string{}

var labIndexes = []Index{}
