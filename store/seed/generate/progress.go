package generate

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws a bar with the share done and an estimate of the time left; the work
// is counted in documents written.
type progress struct {
	w       io.Writer
	total   int
	done    int
	started time.Time
	drawn   time.Time
	stage   string
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, total: max(total, 1), started: time.Now()}
}

func (p *progress) add(stage string, n int) {
	p.done += n
	p.stage = stage
	if p.w == nil || time.Since(p.drawn) < 500*time.Millisecond {
		return
	}
	p.draw()
}

func (p *progress) draw() {
	p.drawn = time.Now()
	share := min(float64(p.done)/float64(p.total), 1)
	const width = 30
	bar := strings.Repeat("█", int(share*width)) + strings.Repeat("░", width-int(share*width))
	eta := "…"
	if elapsed := time.Since(p.started); share > 0.01 {
		eta = (time.Duration(float64(elapsed)/share) - elapsed).Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r%s %5.1f%%  %-22s elapsed %s  left %s   ", bar, share*100, p.stage,
		time.Since(p.started).Round(time.Second), eta)
}

func (p *progress) finish() {
	if p.w == nil {
		return
	}
	p.done = p.total
	p.stage = "done"
	p.draw()
	fmt.Fprintln(p.w)
}
