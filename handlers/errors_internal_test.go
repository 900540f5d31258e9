package handlers

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

// clearedPool stands in for the driver's unexported pool-cleared error.
type clearedPool struct{}

func (clearedPool) Error() string {
	return "connection pool for db:27017 was cleared because another operation failed"
}
func (clearedPool) Retryable() bool { return true }

// A database that cannot be reached is a 503 "cannot reach the database" page, whichever
// of the driver's errors says so; anything else stays a 500.
func TestDatabaseUnreachableErrorsAreRecognised(t *testing.T) {
	for name, err := range map[string]error{
		"broken connection":  fmt.Errorf("store: session: %w", topology.ConnectionError{Wrapped: io.EOF}),
		"full pool":          fmt.Errorf("store: session: %w", topology.WaitQueueTimeoutError{Wrapped: io.EOF}),
		"cleared pool":       fmt.Errorf("store: session: %w", clearedPool{}),
		"no server selected": fmt.Errorf("store: session: %w", topology.ServerSelectionError{Wrapped: io.EOF}),
	} {
		if !dbUnavailable(err) {
			t.Errorf("%s: %v not recognised as the database being unreachable", name, err)
		}
	}
	if dbUnavailable(errors.New("template: no such field")) {
		t.Error("a plain error is not the database being unreachable")
	}
}
