package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// scheduleFamily is the first word of the schedule subcommands' names; the second names the action.
var scheduleFamily, _, _ = strings.Cut(cli.ScheduleListCommand.Name, " ")

// scheduleRun does what a schedule subcommand asks of Temporal, saying so on stdout.
type scheduleRun func(ctx context.Context, c client.Client, stdout io.Writer) error

// schedulePlan checks a schedule subcommand's command line (the schedule's id, each flag's values and last value by
// name) before anything is sent: what to run, or the usage error.
type schedulePlan func(id string, given map[string][]string, last map[string]string) (scheduleRun, error)

// serverFoundUsageError is a usage error only Temporal could find; it created nothing.
type serverFoundUsageError string

func (e serverFoundUsageError) Error() string { return string(e) }

// schedule is the subcommand sc, planned by plan. Exit status: 0 done, 1 refused by Temporal, no such schedule or not
// sent, 2 usage error.
func schedule(sc cli.Subcommand, plan schedulePlan) func([]string, io.Writer, io.Writer) int {
	return func(args []string, stdout, stderr io.Writer) int {
		id, given, last, err := parseSubcommand(sc, args, cli.IDMissing)
		var do scheduleRun
		if err == nil {
			do, err = plan(id, given, last)
		}
		if status, done := helpOrUsage(err, sc.HelpText, stdout, stderr); done {
			return status
		}
		ctx := context.Background()
		c, _, status := connect(ctx, stderr)
		if c == nil {
			return status
		}
		defer c.Close()
		var usage serverFoundUsageError
		switch err := do(ctx, c, stdout); {
		case err == nil:
			return 0
		case errors.As(err, &usage):
			return usageFailed(stderr, usage.Error())
		case id != "" && errors.As(err, new(*serviceerror.NotFound)):
			fmt.Fprintln(stderr, cli.ScheduleNotFound(id))
		default:
			fmt.Fprintln(stderr, cli.ScheduleFailed(cli.OneLine(err.Error())))
		}
		return 1
	}
}

var (
	everyPattern = regexp.MustCompile("^[1-9][0-9]*[" + cli.ScheduleEveryUnits + "]$")
	everyUnits   = map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}
)

// planCreate plans a schedule running the pipeline as a start with the same flags would, on the calendar --cron or
// --every says.
func planCreate(id string, given map[string][]string, flags map[string]string) (scheduleRun, error) {
	cron, every := flags[cli.Cron.Name], flags[cli.Every.Name]
	spec, when := cli.SpecCron(cron), client.ScheduleSpec{CronExpressions: []string{cron}}
	switch {
	case cron == "" && every == "":
		return nil, errors.New(cli.SpecMissing())
	case cron != "" && every != "":
		return nil, errors.New(cli.SpecBoth())
	case every != "":
		n, err := strconv.ParseInt(every[:len(every)-1], 10, 64)
		unit := everyUnits[every[len(every)-1]]
		if !everyPattern.MatchString(every) || err != nil || n > math.MaxInt64/int64(unit) { // too long for a Duration
			return nil, errors.New(cli.EveryInvalid(strconv.Quote(every)))
		}
		spec, when = cli.SpecEvery(every), client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Duration(n) * unit}}}
	}
	overlapName := cmp.Or(flags[cli.Overlap.Name], cli.ScheduleDefaultOverlap)
	if !slices.Contains(strings.Split(cli.ScheduleOverlapNames, ", "), overlapName) {
		return nil, errors.New(cli.OverlapInvalid(strconv.Quote(overlapName)))
	}
	overlap := enumspb.ScheduleOverlapPolicy(enumspb.ScheduleOverlapPolicy_value[overlapPrefix+strings.ToUpper(overlapName)])
	opts, err := startOptions(given, flags, os.Getenv)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, c client.Client, stdout io.Writer) error {
		h, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{ID: id, Spec: when, Overlap: overlap,
			// Temporal appends each run's scheduled time to the id: runs share neither a workflow id nor clusters.
			Action: &client.ScheduleWorkflowAction{ID: id, Workflow: cli.WorkflowType, Args: []any{opts.input}, TaskQueue: opts.taskQueue},
			Memo:   map[string]any{cli.ScheduleSpecMemo: spec}})
		var invalid *serviceerror.InvalidArgument
		switch {
		case errors.Is(err, temporal.ErrScheduleAlreadyRunning):
			return serverFoundUsageError(cli.ScheduleExists(id))
		case cron != "" && errors.As(err, &invalid) && strings.Contains(invalid.Message, "schedule spec"):
			return serverFoundUsageError(cli.CronInvalid(strconv.Quote(cron), cli.OneLine(invalid.Message)))
		case err != nil:
			return err
		}
		next := "-" // also when the describe fails: the schedule is made all the same
		if d, err := h.Describe(ctx); err == nil {
			next = nextTimes(d, 1)
		}
		fmt.Fprintln(stdout, cli.ScheduleCreated(id, spec, overlapName, next))
		return nil
	}, nil
}

// planList plans a line for each schedule, by id.
func planList(string, map[string][]string, map[string]string) (scheduleRun, error) {
	return func(ctx context.Context, c client.Client, stdout io.Writer) error {
		schedules, err := c.ScheduleClient().List(ctx, client.ScheduleListOptions{})
		var ids, rows []string
		for err == nil && schedules.HasNext() {
			var entry *client.ScheduleListEntry
			if entry, err = schedules.Next(); err == nil {
				ids = append(ids, entry.ID)
			}
		}
		if err != nil {
			return err
		}
		slices.Sort(ids)
		for _, id := range ids { // a list entry lacks the overlap policy
			d, err := c.ScheduleClient().GetHandle(ctx, id).Describe(ctx)
			if errors.As(err, new(*serviceerror.NotFound)) { // deleted after the list was made
				continue
			} else if err != nil {
				return err
			}
			spec, overlap, state := summary(d)
			rows = append(rows, cli.ScheduleRow(id, spec, overlap, state, nextTimes(d, 1)))
		}
		fmt.Fprintln(stdout, cmp.Or(strings.Join(rows, "\n"), cli.SchedulesNone()))
		return nil
	}, nil
}

// planDescribe plans the schedule's summary, its next runs and how its last runs went.
func planDescribe(id string, _ map[string][]string, _ map[string]string) (scheduleRun, error) {
	return func(ctx context.Context, c client.Client, stdout io.Writer) error {
		d, err := c.ScheduleClient().GetHandle(ctx, id).Describe(ctx)
		if err != nil {
			return err
		}
		spec, overlap, state := summary(d)
		note := ""
		if d.Schedule.State.Paused && d.Schedule.State.Note != "" {
			note = cli.ScheduleNote(d.Schedule.State.Note)
		}
		fmt.Fprintln(stdout, cli.ScheduleHeader(id, spec, overlap, state, note))
		fmt.Fprintln(stdout, cli.ScheduleNext(nextTimes(d, cli.ScheduleNextRuns)))
		recent := d.Info.RecentActions[max(0, len(d.Info.RecentActions)-cli.ScheduleLastRuns):] // oldest first
		if len(recent) == 0 {
			fmt.Fprintln(stdout, cli.ScheduleNoRuns())
			return nil
		}
		fmt.Fprintln(stdout, cli.ScheduleRuns())
		for _, action := range slices.Backward(recent) {
			run, status := cmp.Or(action.StartWorkflowResult, &client.ScheduleWorkflowExecution{}), "unknown"
			if described, err := c.DescribeWorkflowExecution(ctx, run.WorkflowID, run.FirstExecutionRunID); err == nil {
				status = enumName(enumspb.WorkflowExecutionStatus_name, "WORKFLOW_EXECUTION_STATUS_", int32(described.GetWorkflowExecutionInfo().GetStatus()))
				if status == "canceled" {
					status = cli.OutcomeCancelled // the contract's spelling
				}
			}
			fmt.Fprintln(stdout, cli.ScheduleRun(stamp(action.ScheduleTime), run.WorkflowID, status))
		}
		return nil
	}, nil
}

// handleCall plans one call of the schedule's handle, said(id) once it is done.
func handleCall(call func(ctx context.Context, h client.ScheduleHandle, flags map[string]string) error, said func(id string) string) schedulePlan {
	return func(id string, _ map[string][]string, flags map[string]string) (scheduleRun, error) {
		return func(ctx context.Context, c client.Client, stdout io.Writer) error {
			if err := call(ctx, c.ScheduleClient().GetHandle(ctx, id), flags); err != nil {
				return err
			}
			fmt.Fprintln(stdout, said(id))
			return nil
		}, nil
	}
}

var (
	planPause = handleCall(func(ctx context.Context, h client.ScheduleHandle, flags map[string]string) error {
		return h.Pause(ctx, client.SchedulePauseOptions{Note: cmp.Or(flags[cli.Note.Name], cli.SchedulePauseNote)})
	}, cli.SchedulePaused)
	planUnpause = handleCall(func(ctx context.Context, h client.ScheduleHandle, flags map[string]string) error {
		return h.Unpause(ctx, client.ScheduleUnpauseOptions{Note: cmp.Or(flags[cli.Note.Name], cli.ScheduleUnpauseNote)})
	}, cli.ScheduleUnpaused)
	planTrigger = handleCall(func(ctx context.Context, h client.ScheduleHandle, _ map[string]string) error {
		return h.Trigger(ctx, client.ScheduleTriggerOptions{}) // no overlap policy: the schedule's applies
	}, cli.ScheduleTriggered)
	planDelete = handleCall(func(ctx context.Context, h client.ScheduleHandle, _ map[string]string) error {
		return h.Delete(ctx)
	}, cli.ScheduleDeleted)
)

// planBackfill plans the runs the schedule would have started from --from to --to, one after another.
func planBackfill(id string, _ map[string][]string, flags map[string]string) (scheduleRun, error) {
	var bounds []time.Time
	for _, f := range []cli.Flag{cli.From, cli.To} {
		t, err := time.Parse(time.RFC3339, flags[f.Name])
		if err != nil {
			return nil, errors.New(cli.TimeInvalid("--"+f.Name, strconv.Quote(flags[f.Name])))
		}
		bounds = append(bounds, t)
	}
	if !bounds[1].After(bounds[0]) {
		return nil, errors.New(cli.RangeInvalid())
	}
	return func(ctx context.Context, c client.Client, stdout io.Writer) error {
		err := c.ScheduleClient().GetHandle(ctx, id).Backfill(ctx, client.ScheduleBackfillOptions{Backfill: []client.ScheduleBackfill{
			{Start: bounds[0], End: bounds[1], Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL}}})
		if err == nil {
			fmt.Fprintln(stdout, cli.ScheduleBackfilled(id, stamp(bounds[0]), stamp(bounds[1])))
		}
		return err
	}, nil
}

const overlapPrefix = "SCHEDULE_OVERLAP_POLICY_"

// summary is what list and describe say of a schedule: its spec as create recorded it ("-": made elsewhere; Temporal's
// own form of it would print differently in each starter), its overlap policy and whether it is paused.
func summary(d *client.ScheduleDescription) (spec, overlap, state string) {
	if dataConverter.FromPayload(d.Memo.GetFields()[cli.ScheduleSpecMemo], &spec) != nil || spec == "" {
		spec = "-"
	}
	state = cli.StateActive()
	if d.Schedule.State.Paused {
		state = cli.StatePaused()
	}
	return spec, enumName(enumspb.ScheduleOverlapPolicy_name, overlapPrefix, int32(d.Schedule.Policy.Overlap)), state
}

// nextTimes is the schedule's next n action times, "-" for none.
func nextTimes(d *client.ScheduleDescription, n int) string {
	var times []string
	for _, t := range d.Info.NextActionTimes[:min(n, len(d.Info.NextActionTimes))] {
		times = append(times, stamp(t))
	}
	return cmp.Or(strings.Join(times, ", "), "-")
}

// stamp is t as the schedule subcommands print a time: UTC, to the second.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// enumName is value's name in names, lower-case, without prefix.
func enumName(names map[int32]string, prefix string, value int32) string {
	return strings.ToLower(strings.TrimPrefix(names[value], prefix))
}
