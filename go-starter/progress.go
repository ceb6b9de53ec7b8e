package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// progressView prints what the run's progress answers say, each thing once: a
// line per change, the run's cluster names when first known. It keeps the
// clusters teardown left up for the end (see finish).
type progressView struct {
	out           io.Writer
	taskQueue     string
	lastLine      string
	waitingShown  bool
	clusters      []string // every cluster the run may launch
	clustersShown bool
	clustersLeft  []string // teardown gave up on these: still up
}

// show takes one answer of the progress query.
func (v *progressView) show(p *pb.SkyPilotWorkflowProgress) {
	if line := progressLine(p); line != v.lastLine {
		fmt.Fprintln(v.out, line)
		v.lastLine = line
	}
	v.note(p)
}

// unavailable takes a progress query that got no answer.
func (v *progressView) unavailable() {
	if !v.waitingShown {
		fmt.Fprintln(v.out, cli.ProgressUnavailable(strconv.Quote(v.taskQueue)))
		v.waitingShown = true
	}
}

// wantsLastAnswer tells whether to ask once more after the run ended: a failed
// run may have left clusters up, and a short run may have ended before any
// answer listed its clusters.
func (v *progressView) wantsLastAnswer(failed bool) bool {
	return failed || !v.clustersShown
}

// settle takes the answer asked for after the run ended; no progress line is
// printed for it, the outcome says how the run ended.
func (v *progressView) settle(p *pb.SkyPilotWorkflowProgress) {
	v.note(p)
}

func (v *progressView) note(p *pb.SkyPilotWorkflowProgress) {
	if clusters := p.GetClusters(); len(clusters) > 0 {
		v.clusters = slices.Clone(clusters)
		if !v.clustersShown {
			fmt.Fprintln(v.out, cli.Clusters(strings.Join(clusters, ", ")))
			v.clustersShown = true
		}
	}
	if left := p.GetClustersLeft(); len(left) > 0 {
		v.clustersLeft = slices.Clone(left)
	}
}

func progressLine(p *pb.SkyPilotWorkflowProgress) string {
	line := fmt.Sprintf("progress: phase=%s step=%s finished=%d", p.GetPhase(), orDash(p.GetCurrentStep()), len(p.GetFinished()))
	if p.GetStepsTotal() > 0 {
		line += fmt.Sprintf("/%d", p.GetStepsTotal())
	}
	for _, s := range p.GetFinished() {
		line += fmt.Sprintf(" %s:%s", s.GetName(), s.GetStatus())
	}
	return line
}
