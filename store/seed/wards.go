package seed

import (
	"context"
	"strconv"

	"hms/store/catalog"
)

// demoWard is a ward with how many beds it has and which of them carry piped oxygen.
type demoWard struct {
	catalog.Ward
	beds     int
	bedType  string   // price-list code of the daily bed charge
	features []string // on every bed
	oxygen   []int    // bed numbers with piped oxygen (when not on every bed)
}

var demoWards = []demoWard{
	{Ward: catalog.Ward{Code: "W1", Name: "Medical Ward (Male)", Type: catalog.WardGeneral, Department: "MED", Floor: "1", Sex: "M", NurseStation: "1A"},
		beds: 12, bedType: "BED-GEN", oxygen: []int{1, 2, 3, 4}},
	{Ward: catalog.Ward{Code: "W2", Name: "Medical Ward (Female)", Type: catalog.WardGeneral, Department: "MED", Floor: "1", Sex: "F", NurseStation: "1B"},
		beds: 12, bedType: "BED-GEN", oxygen: []int{1, 2, 3, 4}},
	{Ward: catalog.Ward{Code: "W3", Name: "Surgical Ward", Type: catalog.WardGeneral, Department: "SURG", Floor: "2", NurseStation: "2A"},
		beds: 10, bedType: "BED-GEN", oxygen: []int{1, 2}},
	{Ward: catalog.Ward{Code: "W4", Name: "Paediatric Ward", Type: catalog.WardPaediatric, Department: "PAED", Floor: "2", NurseStation: "2B"},
		beds: 8, bedType: "BED-GEN", oxygen: []int{1, 2, 3}},
	{Ward: catalog.Ward{Code: "W5", Name: "Maternity Ward", Type: catalog.WardMaternity, Department: "OBG", Floor: "3", Sex: "F", NurseStation: "3A"},
		beds: 8, bedType: "BED-GEN", oxygen: []int{1, 2}},
	{Ward: catalog.Ward{Code: "ICU", Name: "Intensive Care Unit", Type: catalog.WardICU, Department: "MED", Floor: "1", NurseStation: "ICU"},
		beds: 6, bedType: "BED-ICU", features: []string{"oxygen", "ventilator", "monitor"}},
	{Ward: catalog.Ward{Code: "PVT", Name: "Private Rooms", Type: catalog.WardGeneral, Department: "MED", Floor: "4", NurseStation: "4A"},
		beds: 4, bedType: "BED-PVT", features: []string{"oxygen", "attached bathroom"}},
}

// Beds that are not available when the hospital opens: ward-bed → status and reason.
var bedStatus = map[string][2]string{
	"W1-7": {catalog.BedBlocked, "Bed rail repair"},
	"W3-4": {catalog.BedCleaning, "Terminal cleaning after discharge"},
}

func wards(ctx context.Context, cat *catalog.Catalog) (int, error) {
	n := 0
	for _, w := range demoWards {
		ward := w.Ward
		ward.Stamp = catalog.NewStamp(by)
		if err := put("ward", ward.Code, cat.AddWard(ctx, ward)); err != nil {
			return 0, err
		}
		for i := 1; i <= w.beds; i++ {
			b := catalog.Bed{Ward: ward.Code, Code: strconv.Itoa(i), BedType: w.bedType,
				Features: w.features, Status: catalog.BedAvailable, Stamp: catalog.NewStamp(by)}
			for _, o := range w.oxygen {
				if o == i {
					b.Features = []string{"oxygen"}
				}
			}
			if s, ok := bedStatus[ward.Code+"-"+b.Code]; ok {
				b.Status, b.StatusReason = s[0], s[1]
			}
			if err := put("bed", ward.Code+"-"+b.Code, cat.AddBed(ctx, b)); err != nil {
				return 0, err
			}
			n++
		}
	}
	return n, nil
}
