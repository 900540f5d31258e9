package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/catalog"
	"hms/views"
)

// categoryTitles are the price-list category headings.
var categoryTitles = map[string]string{
	catalog.CatConsultation: "Consultations", catalog.CatProcedure: "Procedures", catalog.CatBed: "Bed charges (per day)",
	catalog.CatLab: "Laboratory", catalog.CatRadiology: "Radiology", catalog.CatOT: "Operation theatre",
	catalog.CatMisc: "Miscellaneous",
}

// billingHome shows the price list grouped by category, as it stands now.
func (a *App) billingHome(c *fiber.Ctx) error {
	services, err := a.Catalog.Services(c.UserContext())
	if err != nil {
		return err
	}
	now := time.Now()
	vm := views.BillingVM{AsOf: views.DateTime(now, a.cfg.Location)}
	// Services come in category order, so a new group starts whenever the category changes.
	for _, s := range services {
		if n := len(vm.Groups); n == 0 || vm.Groups[n-1].Key != s.Category {
			vm.Groups = append(vm.Groups, views.BillingGroup{Key: s.Category, Title: categoryTitle(s.Category)})
		}
		row := views.BillingRow{Code: s.Code, Name: s.Name, Tax: taxPercent(s.TaxBP), Price: "—", From: "—", Inactive: !s.Active}
		// Service.PriceAt gives only the amount; the desk also wants the period's start.
		for _, p := range s.Prices {
			if !now.Before(p.From) && (p.To.IsZero() || now.Before(p.To)) {
				row.Price, row.From = views.Money(p.Amount), views.Date(p.From, a.cfg.Location)
			}
		}
		g := &vm.Groups[len(vm.Groups)-1]
		g.Rows = append(g.Rows, row)
	}
	return a.page(c, "Billing desk", views.BillingHome(vm))
}

func categoryTitle(cat string) string {
	if t, ok := categoryTitles[cat]; ok {
		return t
	}
	return cat
}

// taxPercent writes basis points as a percentage: 1800 → "18%", 1250 → "12.5%".
func taxPercent(bp int64) string {
	return strconv.FormatFloat(float64(bp)/100, 'f', -1, 64) + "%"
}
