package store

import "context"

type declaredScanKey struct{}

// DeclaredScan marks a query that reads a whole collection on purpose — building the
// search index at start, walking the audit chain for verification — so the index audit
// (storetest) lists it as declared instead of failing it. why says what it is for.
func DeclaredScan(ctx context.Context, why string) context.Context {
	return context.WithValue(ctx, declaredScanKey{}, why)
}

// ScanReason returns the reason DeclaredScan gave ctx, if any.
func ScanReason(ctx context.Context) (string, bool) {
	if ctx == nil {
		return "", false
	}
	why, ok := ctx.Value(declaredScanKey{}).(string)
	return why, ok
}
