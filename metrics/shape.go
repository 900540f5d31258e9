package metrics

import (
	"context"
	"sort"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
)

// Describe names the collection a command works on and the shape of its filter: keys and
// operators with every value replaced by "?", e.g. {_id: ?, status: {$in: ?}}. It is what
// the slow-command log and the index audit print, so no patient value ever reaches a log.
func Describe(command string, cmd bson.Raw) (coll, shape string) {
	if v, err := cmd.LookupErr(command); err == nil {
		if s, ok := v.StringValueOK(); ok {
			coll = s
		}
	}
	var filter bson.Raw
	switch command {
	case "find", "count", "distinct":
		filter = doc(cmd, "filter", "query")
	case "findAndModify":
		filter = doc(cmd, "query")
	case "update":
		filter = first(cmd, "updates", "q")
	case "delete":
		filter = first(cmd, "deletes", "q")
	case "aggregate":
		filter = firstMatch(cmd)
	}
	if filter == nil {
		return coll, ""
	}
	return coll, Shape(filter)
}

func doc(cmd bson.Raw, keys ...string) bson.Raw {
	for _, k := range keys {
		if v, err := cmd.LookupErr(k); err == nil {
			if d, ok := v.DocumentOK(); ok {
				return d
			}
		}
	}
	return nil
}

func first(cmd bson.Raw, array, key string) bson.Raw {
	v, err := cmd.LookupErr(array)
	if err != nil {
		return nil
	}
	arr, ok := v.ArrayOK()
	if !ok {
		return nil
	}
	vals, err := arr.Values()
	if err != nil || len(vals) == 0 {
		return nil
	}
	d, ok := vals[0].DocumentOK()
	if !ok {
		return nil
	}
	return doc(d, key)
}

func firstMatch(cmd bson.Raw) bson.Raw {
	v, err := cmd.LookupErr("pipeline")
	if err != nil {
		return nil
	}
	arr, ok := v.ArrayOK()
	if !ok {
		return nil
	}
	vals, _ := arr.Values()
	for _, st := range vals {
		if d, ok := st.DocumentOK(); ok {
			if m := doc(d, "$match"); m != nil {
				return m
			}
		}
	}
	return nil
}

// Shape renders a filter document with its values hidden. Keys are sorted so the same
// query written in another order has one shape.
func Shape(d bson.Raw) string {
	elems, err := d.Elements()
	if err != nil {
		return "{?}"
	}
	parts := make([]string, 0, len(elems))
	for _, e := range elems {
		parts = append(parts, e.Key()+": "+valueShape(e.Key(), e.Value()))
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, ", ") + "}"
}

func valueShape(key string, v bson.RawValue) string {
	if d, ok := v.DocumentOK(); ok && isOperatorDoc(d) {
		return Shape(d)
	}
	if arr, ok := v.ArrayOK(); ok && (key == "$and" || key == "$or" || key == "$nor") {
		vals, _ := arr.Values()
		parts := make([]string, 0, len(vals))
		for _, x := range vals {
			if d, ok := x.DocumentOK(); ok {
				parts = append(parts, Shape(d))
			}
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return "?"
}

// isOperatorDoc reports whether a value is an operator expression ({$gte: …}) rather
// than a literal sub-document.
func isOperatorDoc(d bson.Raw) bool {
	elems, err := d.Elements()
	if err != nil || len(elems) == 0 {
		return false
	}
	return strings.HasPrefix(elems[0].Key(), "$")
}

// Chain joins command monitors so one client can feed several (metrics and a benchmark).
func Chain(ms ...*event.CommandMonitor) *event.CommandMonitor {
	var live []*event.CommandMonitor
	for _, m := range ms {
		if m != nil {
			live = append(live, m)
		}
	}
	if len(live) == 1 {
		return live[0]
	}
	return &event.CommandMonitor{
		Started: func(ctx context.Context, e *event.CommandStartedEvent) {
			for _, m := range live {
				if m.Started != nil {
					m.Started(ctx, e)
				}
			}
		},
		Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) {
			for _, m := range live {
				if m.Succeeded != nil {
					m.Succeeded(ctx, e)
				}
			}
		},
		Failed: func(ctx context.Context, e *event.CommandFailedEvent) {
			for _, m := range live {
				if m.Failed != nil {
					m.Failed(ctx, e)
				}
			}
		},
	}
}
