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
// line per change, the run's cluster names when first known, a line per change
// of a step's (or a branch's) state. It keeps the clusters teardown left up for
// the end (see finish). Quiet, it prints nothing.
type progressView struct {
	out           io.Writer
	taskQueue     string
	lastLine      string
	waitingShown  bool
	clusters      []string // every cluster the run may launch
	clustersShown bool
	clustersLeft  []string // teardown gave up on these: still up
	steps         *stepLines
}

func newProgressView(out io.Writer, taskQueue string, quiet bool) *progressView {
	if quiet {
		out = io.Discard
	}
	return &progressView{out: out, taskQueue: taskQueue, steps: newStepLines()}
}

// show takes one answer of the progress query.
func (v *progressView) show(p *pb.SkyPilotWorkflowProgress) {
	if line := progressLine(p); line != v.lastLine {
		fmt.Fprintln(v.out, line)
		v.lastLine = line
	}
	v.note(p)
	for _, line := range v.steps.changes(p.GetSteps()) {
		fmt.Fprintln(v.out, line)
	}
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

// progressLine says the phase, the running steps and how many finished. With
// sweeps, finished counts the entries of steps (steps, and branches of swept
// steps) that are neither pending nor running, of all entries; finished results
// are named only outside sweeps.
func progressLine(p *pb.SkyPilotWorkflowProgress) string {
	var finished string
	named := p.GetFinished()
	if slices.ContainsFunc(p.GetSteps(), func(s *pb.StepProgress) bool { return s.GetBranch() != "" }) {
		done := 0
		for _, s := range p.GetSteps() {
			if s.GetState() != statePending && s.GetState() != stateRunning {
				done++
			}
		}
		finished = cli.ProgressOfTotal(strconv.Itoa(done), strconv.Itoa(len(p.GetSteps())))
		named = slices.DeleteFunc(slices.Clone(named), func(s *pb.StepResult) bool { return s.GetBranch() != "" })
	} else {
		finished = strconv.Itoa(len(named))
		if p.GetStepsTotal() > 0 {
			finished = cli.ProgressOfTotal(finished, strconv.Itoa(int(p.GetStepsTotal())))
		}
	}
	var steps strings.Builder
	for _, s := range named {
		steps.WriteString(cli.ProgressStep(s.GetName(), s.GetStatus()))
	}
	return cli.Progress(p.GetPhase(), orDash(p.GetCurrentStep()), finished, steps.String())
}

// stepLines says how the steps' states changed from one answer to the next.
//
// A step has one entry in steps; a swept step one per branch. An entry gets a
// line when its state changes (not when first seen pending), with its metrics. A
// select's pick (an only entry, winner, with a branch and no cluster) gets one
// winner line. A step with more than cli.BranchLinesMax entries gets a summary
// line (how many branches are in each state) whenever those counts change.
type stepLines struct {
	states    map[string]string // by step label
	winners   map[string]string // by step name
	summaries map[string]string // by step name
}

func newStepLines() *stepLines {
	return &stepLines{states: map[string]string{}, winners: map[string]string{}, summaries: map[string]string{}}
}

func (l *stepLines) changes(steps []*pb.StepProgress) []string {
	var names []string
	groups := map[string][]*pb.StepProgress{}
	for _, s := range steps {
		if _, ok := groups[s.GetName()]; !ok {
			names = append(names, s.GetName())
		}
		groups[s.GetName()] = append(groups[s.GetName()], s)
	}
	var lines []string
	for _, name := range names {
		entries := groups[name]
		switch {
		case len(entries) == 1 && isPick(entries[0]):
			pick := entries[0]
			if before, ok := l.winners[name]; !ok || before != pick.GetBranch() {
				l.winners[name] = pick.GetBranch()
				lines = append(lines, cli.StepWinner(name, pick.GetBranch(), metricsText(pick.GetMetrics())))
			}
		case len(entries) > cli.BranchLinesMax:
			counts := summary(entries)
			before, seen := l.summaries[name]
			l.summaries[name] = counts
			moved := slices.ContainsFunc(entries, func(s *pb.StepProgress) bool { return s.GetState() != statePending })
			if counts != before && (seen || moved) {
				lines = append(lines, cli.StepSummary(name, counts))
			}
		default:
			for _, s := range entries {
				label := stepLabel(s.GetName(), s.GetBranch())
				before, seen := l.states[label]
				l.states[label] = s.GetState()
				if s.GetState() != before && (seen || s.GetState() != statePending) {
					lines = append(lines, cli.StepState(label, s.GetState(), metricsText(s.GetMetrics())))
				}
			}
		}
	}
	return lines
}

// isPick tells whether the entry is a select step's pick: the winner's label, on
// a step with no cluster.
func isPick(s *pb.StepProgress) bool {
	return s.GetWinner() && s.GetBranch() != "" && s.GetClusterName() == ""
}

// summary is `3 running, 12 succeeded, ...`: branches per state, in
// cli.StateSummaryOrder, then any other state in the order it first appears.
func summary(entries []*pb.StepProgress) string {
	var order []string
	counts := map[string]int{}
	for _, s := range entries {
		if counts[s.GetState()] == 0 && !slices.Contains(cli.StateSummaryOrder, s.GetState()) {
			order = append(order, s.GetState())
		}
		counts[s.GetState()]++
	}
	var known []string
	for _, state := range cli.StateSummaryOrder {
		if counts[state] > 0 {
			known = append(known, state)
		}
	}
	parts := make([]string, 0, len(counts))
	for _, state := range append(known, order...) {
		parts = append(parts, cli.StateCount(strconv.Itoa(counts[state]), state))
	}
	return strings.Join(parts, ", ")
}
