package catalog

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

// Price-list categories.
const (
	CatConsultation = "consultation"
	CatProcedure    = "procedure"
	CatBed          = "bed"
	CatLab          = "lab"
	CatRadiology    = "radiology"
	CatOT           = "ot"
	CatMisc         = "misc"
)

// Categories in display order.
var Categories = []string{CatConsultation, CatProcedure, CatBed, CatLab, CatRadiology, CatOT, CatMisc}

// PricePeriod is a price in force from From (inclusive) until To (exclusive; zero = open).
type PricePeriod struct {
	Amount int64     `bson:"amount"` // minor units (paise)
	From   time.Time `bson:"from"`
	To     time.Time `bson:"to,omitempty"`
	SetBy  string    `bson:"set_by"`
	SetAt  time.Time `bson:"set_at"`
}

// Service is one line of the price list: the one place every charge takes its price from.
type Service struct {
	Code     string        `bson:"_id"` // "CONS-GEN"
	Name     string        `bson:"name"`
	Category string        `bson:"category"`
	TaxBP    int64         `bson:"tax_bp"` // tax rate in basis points (500 = 5%)
	Active   bool          `bson:"active"`
	Prices   []PricePeriod `bson:"prices"` // in From order, non-overlapping
	Version  int64         `bson:"version"`
	Stamp    `bson:",inline"`
}

// PriceAt returns the price in force at t, and false when none is.
func (s Service) PriceAt(t time.Time) (int64, bool) {
	for _, p := range s.Prices {
		if !t.Before(p.From) && (p.To.IsZero() || t.Before(p.To)) {
			return p.Amount, true
		}
	}
	return 0, false
}

// Services lists the price list by category order, then code.
func (c *Catalog) Services(ctx context.Context) ([]Service, error) {
	out, err := all[Service](ctx, c.prices, "price list")
	slices.SortFunc(out, func(a, b Service) int {
		return cmp.Or(cmp.Compare(slices.Index(Categories, a.Category), slices.Index(Categories, b.Category)), cmp.Compare(a.Code, b.Code))
	})
	return out, err
}

// Service returns one service by code.
func (c *Catalog) Service(ctx context.Context, code string) (Service, error) {
	return one[Service](ctx, c.prices, code, "service")
}

// AddService stores a new service with its first price, in force from `from`.
func (c *Catalog) AddService(ctx context.Context, s Service, amount int64, from time.Time, who string) error {
	if amount < 0 {
		return fmt.Errorf("%w: negative price", store.ErrInvalid)
	}
	s.Active, s.Version, s.Stamp = true, 1, NewStamp(who)
	s.Prices = []PricePeriod{{Amount: amount, From: from.UTC(), SetBy: who, SetAt: s.CreatedAt}}
	return insert(ctx, c.prices, s, "service")
}

// ErrPriceBeforeCurrent means a new price may not start before the current period does.
var ErrPriceBeforeCurrent = errors.New("store: a new price must start after the current one started")

// SetPrice puts a new price in force from `from`, closing the open period there. It is an
// optimistic update on version, so two administrators cannot silently overwrite each other.
// Periods already posted against are untouched: charges copy the amount when posted.
func (c *Catalog) SetPrice(ctx context.Context, code string, version, amount int64, from time.Time, who string) error {
	if amount < 0 {
		return fmt.Errorf("%w: negative price", store.ErrInvalid)
	}
	s, err := c.Service(ctx, code)
	if err != nil {
		return err
	}
	if s.Version != version {
		return store.ErrConflict
	}
	from = from.UTC()
	now := time.Now().UTC()
	var kept []PricePeriod
	for _, p := range s.Prices {
		switch {
		case !p.From.Before(from):
			if p.From.Before(now) {
				return ErrPriceBeforeCurrent // never rewrite a period already in force
			}
			continue // a future period replaced by this one
		case p.To.IsZero() || p.To.After(from):
			p.To = from
		}
		kept = append(kept, p)
	}
	kept = append(kept, PricePeriod{Amount: amount, From: from, SetBy: who, SetAt: now})
	res, err := c.prices.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: code}, {Key: "version", Value: version}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "prices", Value: kept}, {Key: "updated_at", Value: now}, {Key: "updated_by", Value: who}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}}})
	if err != nil {
		return fmt.Errorf("store: set price %s: %w", code, err)
	}
	if res.MatchedCount == 0 {
		return store.ErrConflict
	}
	return nil
}
