package store

// Collections and indexes of the wards: admissions, beds, nursing, orders, MAR (store/ipd).

var ipdCollections = []string{}

var ipdIndexes = []Index{}
