package main

import (
	"bytes"
	"runtime"
	"runtime/pprof"
	"time"
)

// levelMemory is the memory one concurrency level took: the process's peak resident set
// and, of that, the Go heap's peak (the rest is SQLite's page caches inside the embedded
// engine, goroutine stacks and the runtime).
type levelMemory struct {
	Concurrency int     `json:"concurrency"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
	PeakHeapMB  float64 `json:"peak_heap_mb"`
}

// heapWatch samples the Go heap while a level runs and keeps a heap profile taken near
// its peak, so a memory miss can be traced to what holds the memory.
type heapWatch struct {
	stop, done chan struct{}
	peak       uint64
	profile    []byte
}

func watchHeap(every time.Duration) *heapWatch {
	h := &heapWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		t := time.NewTicker(every)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > h.peak+h.peak/10 { // a new peak, by more than 10%: profile it
				var b bytes.Buffer
				if pprof.Lookup("heap").WriteTo(&b, 0) == nil {
					h.profile = b.Bytes()
				}
			}
			h.peak = max(h.peak, ms.HeapInuse)
		}
	}()
	return h
}

// finish stops the sampling and returns the heap's peak in MB.
func (h *heapWatch) finish() float64 {
	close(h.stop)
	<-h.done
	return float64(h.peak) / (1 << 20)
}
