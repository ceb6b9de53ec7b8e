"""SkyPilotWorkflow: a pipeline of steps as a graph of activities, with guaranteed
teardown.

Deterministic: no I/O, clock or randomness here; every effect is an activity.
Steps whose needs are met run at once. A swept step runs as one child workflow per
branch (branch_workflow.py), so a sweep's history stays bounded. A cluster is downed
as soon as no step left needs it (while the next step already launches); on failure
or cancellation every cluster the run may have started is downed, shielded from the
cancellation, and a teardown that runs out of its budget fails the run naming every
cluster still up.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timedelta

from google.protobuf import json_format
from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.common import RawValue
from temporalio.exceptions import ActivityError, ApplicationError, ChildWorkflowError

with workflow.unsafe.imports_passed_through():
    from skypilot_temporal.contract.activity_types import (
        RUN_GIT_CLONE,
        RUN_READ_ORIGIN,
        CloneInput,
        CloneResult,
        OriginInput,
        OriginResult,
        StepInput,
        StepOutcome,
    )
    from skypilot_temporal.contract.branch_types import (
        BRANCH_EVENT_SIGNAL,
        REPAIR_SIGNAL,
        VERDICT_SIGNAL,
        BranchEvent,
        BranchInput,
        BranchRepair,
        BranchResult,
        BranchStep,
        RunContext,
    )
    from skypilot_temporal.contract.metrics import (
        RUNS_CANCELLED,
        RUNS_COMPLETED,
        RUNS_FAILED,
        RUNS_STARTED,
        TEARDOWN_FAILURES,
        Metric,
    )
    from skypilot_temporal.contract.names import (
        ABORT_UPDATE,
        BRANCH_WORKFLOW_TYPE,
        DECIDE_UPDATE,
        DECISION_REJECT,
        INVALID_INPUT,
        JOB_FAILED,
        PHASE_CANCELLED,
        PHASE_CLONE,
        PHASE_COMPLETED,
        PHASE_FAILED,
        PHASE_RUNNING,
        PHASE_STARTING,
        PHASE_TEARDOWN,
        PHASE_TEARDOWN_FAILED,
        PHASE_WAITING,
        PHASE_WAITING_FOR_REPAIR,
        PROGRESS_QUERY,
        REJECTED,
        RETRY_UPDATE,
        STATE_FAILED,
        STATE_WAITING_FOR_REPAIR,
        TEARDOWN_FAILED,
        VIEW_QUERY,
        WORKFLOW_TYPE,
    )
    from skypilot_temporal.contract.quota_names import GRANTED_SIGNAL
    from skypilot_temporal.contract.quota_types import QuotaGrant
    from skypilot_temporal.pipeline.dag import APPROVAL, CAPACITY, LAUNCH, MANAGED, SELECT, Step, Sweep
    from skypilot_temporal.pipeline.limits import (
        MAX_CLUSTERS_SETTING,
        FleetLimits,
        capacity_steps,
        check_limits,
        clamped_parallel,
        need,
    )
    from skypilot_temporal.pipeline.plan import InvalidInput, Plan, RunOptions, build_plan, check_input
    from skypilot_temporal.pipeline.resume import reusable, step_keys
    from skypilot_temporal.v1 import pipeline_pb2 as pb
    from skypilot_temporal.workflows import repairs
    from skypilot_temporal.workflows.costs import kept_cost, per_hour
    from skypilot_temporal.workflows.gates import Refused, commands, rfc3339
    from skypilot_temporal.workflows.notify import Notifier
    from skypilot_temporal.workflows.progress import RunProgress
    from skypilot_temporal.workflows.slots import RunSlots
    from skypilot_temporal.workflows.steps import (
        SHORT_HEARTBEAT,
        Clusters,
        StepFailed,
        activity_kind,
        doubling_retry,
        failure_text,
        is_cancellation,
        managed_recoveries,
        run_step,
        settle,
        step_cost,
        step_duration,
    )
    from skypilot_temporal.workflows.view import metrics_text, render_view, result_lines, view_request

# Reading the run a resumed run reuses: Temporal's own API, quick or refused.
ORIGIN_RETRY = doubling_retry(1, 10, attempts=3)
ORIGIN_TIMEOUT = timedelta(minutes=2)
# A clone fails for good quickly: an unreachable repository is reported in seconds.
CLONE_RETRY = doubling_retry(1, 10, attempts=4)
CLONE_TIMEOUT = timedelta(minutes=5)
# The view query's argument when a client sends none: an empty request.
NO_ARGUMENT = RawValue(Payload())


@workflow.defn(name=WORKFLOW_TYPE)
class SkyPilotWorkflow:
    def __init__(self) -> None:
        self._phase = PHASE_STARTING
        self._clusters = Clusters("", 0)
        self._progress = RunProgress()
        # Step names done (a swept step: every branch), started, and branch events.
        self._done: set[str] = set()
        self._started: set[str] = set()
        self._events: dict[str, list[BranchEvent]] = {}
        self._result = pb.SkyPilotWorkflowResult()
        self._notify = Notifier()
        self._workflow_id = ""
        # Set once the run has read its pipeline; a retry of a repaired step moves them
        # to the commit it runs from.
        self._inp = pb.SkyPilotWorkflowInput()
        self._plan: Plan | None = None
        self._ctx: RunContext | None = None
        # The slots of the clusters it holds (the run's and its team's limits, slots.py).
        self._slots = RunSlots()
        self._progress.slots = self._slots
        # Where each step that brings a cluster up is in the order their clusters take slots.
        self._positions: dict[str, int] = {}

    @workflow.query(name=PROGRESS_QUERY)
    def progress(self) -> pb.SkyPilotWorkflowProgress:
        return self._progress.render(self._phase, self._clusters)

    @workflow.query(name=VIEW_QUERY)
    def view(self, request: RawValue = NO_ARGUMENT) -> pb.RunView:
        """What a client prints since its cursor, with the running steps' output from the
        heartbeats it sent (view.py). The argument arrives undecoded (view_request reads
        it) so that no argument can fail the query: whatever is not a request, or a
        cursor this worker wrote, starts over as "" does."""
        req = view_request(request.payload)
        return render_view(self.progress(), req.cursor, req.heartbeats, req.starter, self._workflow_id)

    @workflow.update(name=DECIDE_UPDATE)
    async def decide(self, decision: pb.ApprovalDecision) -> dict:
        """Approves or rejects a gate the run waits at; the step waiting on it goes on
        (gates.py says what is refused). The answer is the ApprovalRecord as plain JSON
        (json/plain, proto field names): the `temporal` CLI prints an update's answer only
        in that form, and every starter reads it into the message."""
        try:  # again: two decisions that came together were both validated first
            record = self._progress.gates.decide(decision, workflow.now())
            return json_format.MessageToDict(record, preserving_proto_field_name=True)
        except Refused as err:
            raise ApplicationError(str(err), type=INVALID_INPUT, non_retryable=True) from None

    @decide.validator
    def _check_decision(self, decision: pb.ApprovalDecision) -> None:
        try:
            self._progress.gates.check(decision)
        except Refused as err:  # the client reads the message alone, as for any failure of the contract
            raise ApplicationError(str(err), type=INVALID_INPUT, non_retryable=True) from None

    @workflow.update(name=RETRY_UPDATE)
    async def retry(self, req: pb.RetryRequest) -> dict:
        """Runs the failed steps `req` names again, and the steps after them, from the
        repository cloned again (at `req.commit`, else its branch's head), once the
        pipeline there checks out with the same steps. Refused, nothing changed and the
        steps still waiting, when the clone or the check fails."""
        waits = [self._progress.repairs.waits[name] for name in _refused_as_input(
            self._progress.repairs.check_retry, req)]
        for w in waits:
            w.retrying = True
        try:
            assert self._plan is not None and self._ctx is not None
            clone = await self._clone(self._inp, self._ctx.run_key, commit=req.commit)
            plan = self._replan(clone)
        except ActivityError as err:
            raise ApplicationError(f"the retry was refused; still waiting: {failure_text(err)}",
                                   type=INVALID_INPUT, non_retryable=True) from None
        except InvalidInput as err:
            raise ApplicationError(f"the retry was refused; still waiting: {err}", type=INVALID_INPUT,
                                   non_retryable=True) from None
        finally:
            for w in waits:
                w.retrying = False
        if any(w.record is not None for w in waits):  # the wait ran out, or the run ended, meanwhile
            raise ApplicationError("the retry was refused: the wait is over", type=INVALID_INPUT, non_retryable=True)
        self._plan, self._ctx = plan, dataclasses.replace(self._ctx, commit=clone.commit)
        self._result.commit = clone.commit
        # The steps that run from now on run what this commit holds: their keys say so.
        self._progress.keys = step_keys(plan, clone.task_digests, self._inp.envs_override,
                                        list(self._inp.secret_env_names))
        now = workflow.now()
        records = [self._progress.repairs.end(w.key, repairs.RETRY, now, req.requester.strip(), commit=clone.commit)
                   for w in waits]
        for w in waits:
            if w.index is not None:
                sweep = plan.dag.sweeps[plan.dag.step(w.step).sweep]
                lane, after = self._branch_steps(plan, sweep, w.index)
                await self._tell_branch(plan, w, BranchRepair(w.step, repairs.RETRY, clone.commit, lane + after))
        return json_format.MessageToDict(pb.RepairAnswer(repairs=records), preserving_proto_field_name=True)

    @retry.validator
    def _check_retry(self, req: pb.RetryRequest) -> None:
        _refused_as_input(self._progress.repairs.check_retry, req)

    @workflow.update(name=ABORT_UPDATE)
    async def abort(self, req: pb.AbortRequest) -> dict:
        """Ends the waits `req` names: the step fails as it did (a sweep's branch: as its
        on_failure says), and the run downs its clusters."""
        now = workflow.now()
        book = self._progress.repairs
        keys = _refused_as_input(book.check_abort, req)
        records = [book.end(key, repairs.ABORT, now, req.requester.strip(), req.reason.strip()) for key in keys]
        for key in keys:
            w = book.waits[key]
            if w.index is not None and self._plan is not None:
                await self._tell_branch(self._plan, w, BranchRepair(w.step, repairs.ABORT, ended=_ended(w.record)))
        return json_format.MessageToDict(pb.RepairAnswer(repairs=records), preserving_proto_field_name=True)

    async def _tell_branch(self, plan: Plan, w: repairs.Wait, repair: BranchRepair) -> None:
        """Hands a branch's wait its end: the branch acts on it; the run's book closes it."""
        self._progress.repairs.close(w.key)
        self._refresh_phase()
        sweep = plan.dag.step(w.step).sweep
        handle = workflow.get_external_workflow_handle(self._branch_id(plan, sweep, w.index or 0))
        try:
            await handle.signal(REPAIR_SIGNAL, repair)
        except Exception as err:  # noqa: BLE001 - a branch that has ended needs no word
            workflow.logger.info("branch %s did not take its repair: %s", handle.id, err)

    def _branch_id(self, plan: Plan, sweep: str, index: int) -> str:
        return f"{workflow.info().workflow_id}-{plan.options.run_tag}-{sweep}-b{index}"

    @abort.validator
    def _check_abort(self, req: pb.AbortRequest) -> None:
        _refused_as_input(self._progress.repairs.check_abort, req)

    @workflow.signal(name=GRANTED_SIGNAL)
    def quota_granted(self, grant: QuotaGrant) -> None:
        """The team's quota workflow granted a request of this run (slots.py)."""
        self._slots.granted.add(grant.request_id)

    @workflow.signal(name=BRANCH_EVENT_SIGNAL)
    def branch_event(self, event: BranchEvent) -> None:
        self._progress.branch_event(event)
        if self._plan is not None:
            self._branch_wait(self._plan, event)

    def _branch_wait(self, plan: Plan, event: BranchEvent) -> None:
        """A branch's step starts waiting for its repair; or its wait ran out (the branch
        failed while the book still had it waiting)."""
        book = self._progress.repairs
        key = repairs.wait_key(event.step, event.index)
        st = plan.dag.step(event.step)
        minutes = plan.options.repair_minutes if st.repair_minutes is None else st.repair_minutes
        now = workflow.now()
        if event.state == STATE_WAITING_FOR_REPAIR:
            sweep = plan.dag.sweeps[st.sweep]
            cluster = plan.cluster_name(sweep.cluster, event.index)
            w = book.wait(event.step, event.error, now, now + timedelta(minutes=minutes), [cluster], event.index,
                          sweep.branches[event.index].label)
            self._refresh_phase()
            self._notify.soon(self._notify.event(
                "waiting_for_repair", f"{key}/{len(book.history.get(key, []))}", failing_step=event.step,
                branch=w.label, reason=w.failure, since=rfc3339(now), deadline=rfc3339(w.deadline),
                clusters_kept=[cluster], kept_usd_per_hour=kept_cost(3600, [cluster], self._progress.rates),
                commands={k: r for k, (r, _) in repairs.commands(
                    self._workflow_id, event.step, event.index).items()}))
        elif key in book.waits and book.waits[key].record is None and event.state == STATE_FAILED:
            book.time_out(key, minutes, now)
            book.close(key)
            self._refresh_phase()

    @workflow.run
    async def run(self, inp: pb.SkyPilotWorkflowInput) -> pb.SkyPilotWorkflowResult:
        info = workflow.info()
        self._workflow_id = info.workflow_id
        run_key = f"{info.workflow_id}-{info.run_id}"
        self._inp = inp
        _count(RUNS_STARTED)
        try:
            options = check_input(inp, info.workflow_id, info.run_id)
            plan = build_plan(inp, info.workflow_id, info.run_id) if inp.steps else None
        except InvalidInput as err:
            self._set_phase(PHASE_FAILED)
            raise ApplicationError(str(err), type=INVALID_INPUT, non_retryable=True) from None
        self._clusters = Clusters(options.api_server_endpoint, options.teardown_timeout_s)
        if plan is not None:
            self._progress.planned(plan)
        try:
            origin = await self._origin(inp) if inp.resume_from else None
            self._set_phase(PHASE_CLONE)
            clone = await self._clone(inp, run_key)
            self._result.commit = clone.commit
            self._notify.on = clone.notify
            # From now on every activity goes where the run's clusters can live.
            self._clusters.task_queue = clone.task_queue
            limits = FleetLimits(clone.max_branches, clone.max_clusters_per_run)
            if plan is None:
                steps = None
                if clone.pipeline is not None:
                    steps = list(json_format.ParseDict(clone.pipeline, pb.PipelineSpec()).steps)
                plan = build_plan(inp, info.workflow_id, info.run_id, steps, clone.pipeline_file, limits)
                self._progress.planned(plan)
            else:
                check_limits(plan.dag, limits)  # the clone checked them already; as the fleet set them
                plan.limits = limits
            self._limit(plan, options, clone)
            self._set_phase(PHASE_RUNNING)
            ctx = _context(inp, options, clone, run_key)
            self._plan, self._ctx = plan, ctx
            self._progress.keys = step_keys(plan, clone.task_digests, inp.envs_override, list(inp.secret_env_names))
            if origin is not None:
                self._reuse(plan, origin)
            await self._run_graph(plan, ctx)
            await self._clusters.wait()
        except BaseException as err:
            cancelled = is_cancellation(err)
            if isinstance(err, ActivityError) and err.activity_type == RUN_GIT_CLONE:
                self._notify.learn(err.cause)  # the clone failed: its detail says whether to notify
            self._set_phase(PHASE_TEARDOWN)
            await self._clusters.teardown(run_key)
            # Every cluster is down (or given up on): what the run still holds or waits for goes back.
            self._slots.give_back_all()
            await self._slots.settle()
            if self._clusters.left:
                failure = self._teardown_failure(err)
                await self._notify.last(self._ended("clusters_left", err))
                raise failure from None
            self._set_phase(PHASE_CANCELLED if cancelled else PHASE_FAILED)
            _count(RUNS_CANCELLED if cancelled else RUNS_FAILED, {} if cancelled else _failure_labels(err))
            await self._notify.last(self._ended("cancelled" if cancelled else "failed", err))
            if isinstance(err, StepFailed):
                raise err.failure from None
            if isinstance(err, InvalidInput):
                raise ApplicationError(str(err), type=INVALID_INPUT, non_retryable=True) from None
            if isinstance(err, ActivityError) and err.activity_type == RUN_READ_ORIGIN and \
                    isinstance(err.cause, ApplicationError):  # the run it resumes was refused
                raise ApplicationError(err.cause.message, type=err.cause.type, non_retryable=True) from None
            if not cancelled and isinstance(err, ActivityError) and isinstance(err.cause, ApplicationError):
                # The clone failed.
                raise ApplicationError(
                    f"step 'clone' failed: {err.cause.message}", type=err.cause.type, non_retryable=True
                ) from err
            raise
        self._slots.give_back_all()
        await self._slots.settle()
        if self._clusters.left:
            failure = self._teardown_failure(None)
            await self._notify.last(self._ended("clusters_left", None))
            raise failure
        self._set_phase(PHASE_COMPLETED)
        _count(RUNS_COMPLETED)
        self._result.clusters_downed[:] = self._clusters.downed + self._progress.branch_clusters_downed()
        self._result.steps.extend(self._progress.results())
        self._result.cost.CopyFrom(self._progress.cost())
        self._result.lines[:] = result_lines(self._result)
        await self._notify.last(self._notify.event(
            "succeeded", steps=[f"{s.name} {s.status}" for s in self._result.steps], commit=self._result.commit))
        return self._result

    def _limit(self, plan: Plan, options: RunOptions, clone: CloneResult) -> None:
        """Applies the fleet's limits the clone brought: the run's own, and its team's quota."""
        steps = capacity_steps(plan.dag)
        self._positions = {st.name: i for i, st in enumerate(steps)}
        # A run that may need another slot while it holds some asks the team for a reserved share.
        reserve = any(need(plan.dag, st)[0] > 1 for st in steps)
        self._slots.configure(plan.limits.max_clusters, options.team, clone.team_quotas, reserve,
                              workflow.info().task_queue)
        self._slots.on_change = self._quota_changed
        self._clusters.on_downed = self._slots.give_back
        self._progress.team = options.team
        self._progress.limits = [
            f"sweep {name!r}: max_parallel {asked or 'unset (every branch)'} lowered to {allowed} "
            f"({MAX_CLUSTERS_SETTING})" for name, (asked, allowed) in clamped_parallel(plan.dag, plan.limits).items()]

    def _quota_changed(self) -> None:
        """What the Temporal UI shows while a cluster of the run waits for room."""
        if self._phase != PHASE_RUNNING:
            return
        w = next(iter(self._slots.waits.values()), None)
        self._set_phase(PHASE_RUNNING, f"waiting for quota: {w.step}: {w.line}" if w is not None else "")

    def _may_provision_ahead(self, st: Step) -> bool:
        """Whether step `st`'s cluster may come up before the steps it needs end: never
        under a team quota (held early, the slot could be one a step it needs waits
        for), and under the run's limit only if every cluster due before it still fits."""
        if self._slots.quota:
            return False
        cap = self._slots.cap
        before = self._positions[st.name]  # clusters due before this one, at most
        return not cap or len(self._slots.held) + before + 1 <= cap

    def _ended(self, event: str, err: BaseException | None):
        """The event of a run that did not complete: how and where it failed, what is left up."""
        fields: dict = {"clusters_left": list(self._clusters.left), "commit": self._result.commit}
        if err is not None and event != "cancelled":
            labels = _failure_labels(err)
            reason = err.failure.message if isinstance(err, StepFailed) else failure_text(err)
            fields.update(failing_step=labels["step"], failure_type=labels["failure_type"], reason=reason)
        return self._notify.event(event, **fields)

    async def _origin(self, inp: pb.SkyPilotWorkflowInput) -> OriginResult:
        return await workflow.execute_activity(
            RUN_READ_ORIGIN, OriginInput(workflow_id=inp.resume_from, repo_url=inp.repo_url),
            result_type=OriginResult, start_to_close_timeout=ORIGIN_TIMEOUT, retry_policy=ORIGIN_RETRY,
            summary=f"read {inp.resume_from}, which this run resumes")

    def _reuse(self, plan: Plan, origin: OriginResult) -> None:
        """Marks done the steps the ended run ran with the same keys (pipeline/resume.py)."""
        ended = {s.name: s for s in origin.steps}
        reuse = reusable(plan, self._progress.keys, {s.name: (s.key, s.status) for s in origin.steps})
        for st in plan.steps:
            if st.name in reuse:
                r = json_format.ParseDict(ended[st.name].result, pb.StepResult(), ignore_unknown_fields=True)
                r.reused_from = r.reused_from or self._inp.resume_from
                self._progress.step_reused(st.name, r)
                self._started.add(st.name)
                self._done.add(st.name)

    async def _clone(self, inp: pb.SkyPilotWorkflowInput, run_key: str, commit: str | None = None) -> CloneResult:
        """The run's clone; `commit` set (even ""): a retry's, which clones again, at
        that commit or the branch's head now."""
        steps = None
        if inp.steps:
            steps = json_format.MessageToDict(pb.PipelineSpec(steps=inp.steps), preserving_proto_field_name=True)
        return await workflow.execute_activity(
            RUN_GIT_CLONE,
            CloneInput(
                repo_url=inp.repo_url,
                branch=inp.branch,
                steps=steps,
                run_key=run_key,
                envs_override=dict(inp.envs_override),
                secret_env_names=list(inp.secret_env_names),
                pipeline_file=inp.pipeline_file,
                provision_ahead=inp.launch.provision_ahead,
                commit=commit or "",
                fresh=commit is not None,
            ),
            result_type=CloneResult,
            start_to_close_timeout=CLONE_TIMEOUT,
            heartbeat_timeout=SHORT_HEARTBEAT,
            retry_policy=CLONE_RETRY,
            summary=f"clone {inp.repo_url} {inp.branch} {commit or ''}".strip(),
        )

    def _replan(self, clone: CloneResult) -> Plan:
        """The plan at the commit a retry cloned: its steps' tasks, envs and budgets may
        differ from the run's; which steps there are, what each needs and where it runs
        may not (the steps that succeeded stand)."""
        assert self._plan is not None
        info = workflow.info()
        steps = None
        if clone.pipeline is not None:
            steps = list(json_format.ParseDict(clone.pipeline, pb.PipelineSpec()).steps)
        plan = build_plan(self._inp, info.workflow_id, info.run_id, steps, clone.pipeline_file, self._plan.limits)
        before, after = _shape(self._plan), _shape(plan)
        if before != after:
            changed = next((a[0] for a, b in zip(after, before, strict=False) if a != b), "the list of steps")
            raise InvalidInput(f"the pipeline at commit {clone.commit[:12]} changes the run's steps ({changed}: "
                               "its kind, cluster, needs or sweep): a retry runs the steps the run has; "
                               "start a new run for another pipeline")
        return plan

    # -- the graph ----------------------------------------------------------------
    async def _run_graph(self, plan: Plan, ctx: RunContext) -> None:
        """Runs every step as soon as its needs are done; the first failure cancels
        the rest (which cancel their jobs) and is raised."""
        units = [(self._gate_unit if st.kind == APPROVAL else self._step_unit)(plan, st, ctx)
                 for st in plan.steps if not st.sweep and st.kind != SELECT and st.name not in self._done]
        units += [self._sweep_unit(plan, sw, ctx) for sw in plan.dag.sweeps.values()]
        tasks = [asyncio.ensure_future(u) for u in units]
        try:
            pending = tasks
            while pending:
                done, pending = await workflow.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
                failed = next((t for t in done if t.exception() is not None), None)
                if failed is not None:
                    raise failed.exception()  # type: ignore[misc]  # done with an exception: never None here
        except BaseException:
            for t in tasks:
                t.cancel()
            for t in tasks:
                await settle(t)
            raise

    async def _needs(self, names: tuple[str, ...] | set[str], started: bool = False) -> None:
        have = self._started | self._done if started else self._done
        if not all(n in have for n in names):
            await workflow.wait_condition(
                lambda: all(n in (self._started | self._done if started else self._done) for n in names)
            )

    async def _step_unit(self, plan: Plan, st: Step, ctx: RunContext) -> None:
        # A managed step's capacity is its job's, named after the job.
        cluster = plan.job_name(st.name) if st.kind == MANAGED else plan.cluster_name(st.cluster)
        ahead: asyncio.Task | None = None
        ready: list = []  # when a cluster provisioned ahead stood ready
        if st.kind == LAUNCH and st.provision_ahead and st.needs and self._may_provision_ahead(st):
            # The cluster comes up (setup included) while the steps it waits for run.
            await self._needs(st.needs, started=True)
            await self._slots.take(cluster, self._positions[st.name], st.name)
            self._clusters.started(cluster)
            self._progress.provisioning(st.name, cluster)

            async def provision() -> None:
                await run_step(self._input(plan, st, ctx), "provision", st.timeout_s, st.heartbeat_timeout_s,
                               f"{st.name}: provision {cluster} ahead ({st.task_yaml}, setup only)",
                               ctx.task_queue)
                ready.append(workflow.now())

            ahead = asyncio.ensure_future(provision())
        try:
            await self._needs(st.needs)
            # As the run's plan has it now: a retry of a repaired step may have moved it on.
            st = self._plan.dag.step(st.name) if self._plan is not None else st
            self._started.add(st.name)
            needs_done = workflow.now()
            self._progress.step_running(st.name, cluster)
            if ahead is not None:
                await ahead
            elif st.kind in CAPACITY:
                await self._slots.take(cluster, self._positions[st.name], st.name)
                if st.kind == LAUNCH:
                    self._clusters.started(cluster)
            try:
                outcome, last_start = await self._attempts(st, cluster, ahead is not None)
            finally:
                if st.kind == MANAGED:  # its capacity went with its job
                    self._slots.give_back(cluster)
        except (ActivityError, ApplicationError) as err:  # provisioning ahead failed
            if is_cancellation(err):
                raise
            raise StepFailed(st.name, self._step_failure(st.name, cluster, err)) from None
        finally:
            if ahead is not None and not ahead.done():
                ahead.cancel()
                await settle(ahead)
        # What provisioning ahead cost: the time the cluster stood ready, unused.
        idle = max(0.0, (needs_done - ready[0]).total_seconds()) if ready else 0.0
        # A repaired step's is its last attempt's: the failed one has its own result, and the
        # wait counts as idle.
        duration = (workflow.now() - (last_start or needs_done)).total_seconds()
        self._progress.step_done(st.name, outcome, duration, idle_seconds=idle, kind=st.kind)
        kind = activity_kind(st.kind, ahead is not None)
        step_duration(kind, st.name, duration, ctx.metrics_step_label)
        managed_recoveries(st.name, outcome.recoveries, ctx.metrics_step_label)
        if outcome.usd_per_hour is not None:
            step_cost(kind, st.name, per_hour(outcome.usd_per_hour, duration), ctx.metrics_step_label)
        self._done.add(st.name)
        self._release(plan, ctx)

    async def _attempts(self, st: Step, cluster: str, provisioned: bool) -> tuple[StepOutcome, datetime | None]:
        """Runs step `st`. A failure fails the run, unless the step waits for a repair:
        then a retry runs it again, from the commit the retry cloned. Returns the
        outcome, and when its attempt began if it followed a repair."""
        kind = activity_kind(st.kind, provisioned)
        tries = 0
        while True:
            assert self._plan is not None and self._ctx is not None
            inp = self._input(self._plan, st, self._ctx, tries)
            inp.skip_setup = provisioned and not tries
            try:
                began = workflow.now() if tries else None
                outcome = await run_step(inp, kind, st.timeout_s, st.heartbeat_timeout_s,
                                         f"{st.name}: {kind} {st.task_yaml} on {cluster}", self._ctx.task_queue)
                assert isinstance(outcome, StepOutcome)
                return outcome, began
            except (ActivityError, ApplicationError) as err:
                if is_cancellation(err):
                    raise
                failed = StepFailed(st.name, self._step_failure(st.name, cluster, err))
            minutes = self._plan.options.repair_minutes if st.repair_minutes is None else st.repair_minutes
            if not minutes:
                raise failed
            await self._wait_for_repair(st.name, failed, minutes)
            tries += 1
            st = self._plan.dag.step(st.name)
            kind = activity_kind(st.kind)  # the task's setup may have changed too: launch runs it again

    async def _wait_for_repair(self, name: str, failed: StepFailed, minutes: int) -> None:
        """Keeps the clusters step `name` and the steps after it need, and waits for a
        retry (returns), an abort or the wait running out (raises `failed`)."""
        assert self._plan is not None
        book = self._progress.repairs
        since = workflow.now()
        kept = [c for c in self._clusters.up if c in self._plan_clusters_from(name)]
        wait = book.wait(name, failed.failure.message, since, since + timedelta(minutes=minutes), kept)
        self._progress.repair_waiting(name)
        self._refresh_phase()
        assert self._ctx is not None
        self._clusters.keep_up_through(kept, minutes, self._ctx.autodown_minutes)
        self._notify.soon(self._notify.event(
            "waiting_for_repair", f"{name}/{len(book.history.get(name, []))}", failing_step=name,
            reason=wait.failure, since=rfc3339(since), deadline=rfc3339(wait.deadline), clusters_kept=kept,
            kept_usd_per_hour=kept_cost(3600, kept, self._progress.rates) if kept else None,
            commands={key: r for key, (r, _) in repairs.commands(self._workflow_id, name).items()}))
        try:
            await workflow.wait_condition(lambda: wait.record is not None, timeout=timedelta(minutes=minutes))
        except asyncio.TimeoutError:
            book.time_out(name, minutes, workflow.now())
        finally:
            record = book.close(name)
            self._progress.repair_closed(name, record, (workflow.now() - since).total_seconds(), kept)
            self._refresh_phase()
        assert record is not None
        if record.action != repairs.RETRY:
            raise StepFailed(name, _with_repair(failed.failure, record))

    def _plan_clusters_from(self, name: str) -> set[str]:
        """The clusters step `name` and every step after it (needing it, directly or not) run on."""
        assert self._plan is not None
        after = {name}
        for st in self._plan.steps:
            if any(n in after for n in st.needs):
                after.add(st.name)
        return {self._plan.cluster_name(st.cluster) for st in self._plan.steps
                if st.name in after and st.cluster and not st.sweep}

    def _refresh_phase(self) -> None:
        """The phase while steps wait for a repair: it says which, why and until when."""
        if self._phase not in (PHASE_RUNNING, PHASE_WAITING, PHASE_WAITING_FOR_REPAIR):
            return
        waiting = self._progress.repairs.waiting()
        if waiting:
            w = waiting[0]
            hourly = kept_cost(3600, w.clusters_kept, self._progress.rates) if w.clusters_kept else None
            cost = f", ${hourly:.4f}/h" if hourly is not None else ""
            self._set_phase(PHASE_WAITING_FOR_REPAIR, f"waiting for a repair of {w.step}"
                            f"{f' [{w.label}]' if w.label else ''} until {rfc3339(w.deadline)} (clusters kept: "
                            f"{', '.join(w.clusters_kept) or 'none'}{cost}): {w.failure}")
        elif self._phase == PHASE_WAITING_FOR_REPAIR:
            self._set_phase(PHASE_WAITING if self._progress.gates.waiting() else PHASE_RUNNING)

    # -- approval gates -------------------------------------------------------------
    async def _gate_unit(self, plan: Plan, st: Step, ctx: RunContext) -> None:
        """Waits for a decision on gate `st` once its needs are done and every cluster
        no later step needs is down. A reject (or the gate's timeout) fails the run."""
        await self._needs(st.needs)
        await workflow.wait_condition(self._settled)
        gates = self._progress.gates
        since = workflow.now()
        kept = [*self._clusters.up, *self._progress.branch_clusters_up()]
        metrics, branch = self._progress.needs_metrics(st.needs)
        gates.wait(st.name, since, since + timedelta(seconds=st.timeout_s), metrics, branch)
        shown = (f" winner {branch}" if branch else "") + metrics_text(metrics)
        if self._phase != PHASE_WAITING_FOR_REPAIR:
            self._set_phase(PHASE_WAITING, f"waiting at gate {st.name} since {rfc3339(since)}{shown}")
        self._notify.soon(self._notify.event(
            "waiting", st.name, gate=st.name, since=rfc3339(since), approvers=list(st.approvers),
            commands={key: approve for key, (approve, _) in commands(self._workflow_id, st.name).items()},
            metrics=metrics, branch=branch))
        try:
            await workflow.wait_condition(lambda: gates.get(st.name).record is not None,  # type: ignore[union-attr]
                                          timeout=timedelta(seconds=st.timeout_s))
        except asyncio.TimeoutError:
            gates.time_out(st.name, workflow.now())
        finally:
            waited = (workflow.now() - since).total_seconds()
            # The clusters kept up for later steps stood idle all along.
            self._progress.gate_closed(st.name, waited, waited * len(kept), kept)
            if not gates.waiting() and self._phase == PHASE_WAITING:
                self._set_phase(PHASE_RUNNING)
        record = gates.get(st.name).record  # type: ignore[union-attr]
        assert record is not None
        if record.decision == DECISION_REJECT:
            raise StepFailed(st.name, ApplicationError(
                f"gate {st.name!r} rejected by {record.approver}: {record.reason}", type=REJECTED,
                non_retryable=True))
        self._done.add(st.name)
        self._release(plan, ctx)

    def _settled(self) -> bool:
        """No down in flight, and no sweep branch up that no later step needs: a done
        lane's branches have all ended, but a winner that later lane steps run on."""
        if self._clusters.downing:
            return False
        for state in self._progress.sweep_states():
            sweep = state.sweep
            if not all(n in self._done for n in sweep.lane):
                continue
            for i, b in state.branches.items():
                if b.started and not b.finished and not (sweep.after and state.winner == i):
                    return False
        return True

    def _release(self, plan: Plan, ctx: RunContext) -> None:
        """Downs every cluster (outside sweeps) whose steps are all done."""
        everything_done = all(s.name in self._done for s in plan.steps)
        for st in plan.steps:
            if st.kind != LAUNCH or st.sweep:
                continue
            cluster = plan.cluster_name(st.cluster)
            if all(u in self._done for u in plan.dag.users(st.cluster)):
                self._clusters.down(cluster, ctx.run_key if everything_done else "")

    def _input(self, plan: Plan, st: Step, ctx: RunContext, repair: int = 0) -> StepInput:
        job = plan.job_name(st.name, repair=repair)
        return ctx.step_input(st.name, job if st.kind == MANAGED else plan.cluster_name(st.cluster), job,
                              st.task_yaml, st.kind == LAUNCH, st.envs)

    # -- sweeps -----------------------------------------------------------------
    async def _sweep_unit(self, plan: Plan, sweep: Sweep, ctx: RunContext) -> None:
        lane = [plan.dag.step(n) for n in sweep.lane]
        after = [plan.dag.step(n) for n in sweep.after]
        members = set(sweep.lane) | set(sweep.after)
        if sweep.selection is not None:
            members.add(sweep.selection.step)
        await self._needs({n for st in lane for n in st.needs if n not in members})
        self._started.update(sweep.lane)
        await_verdict = bool(after)
        handles: dict[int, workflow.ChildWorkflowHandle] = {}
        results: dict[int, BranchResult | BaseException] = {}
        state = self._progress.sweep(sweep.step)

        def lane_finished(i: int) -> bool:
            return i in results or state.lane_done(i)

        def stop_early() -> bool:
            return not sweep.keep_going and state.any_failed()

        async def follow(i: int, handle: workflow.ChildWorkflowHandle) -> None:
            try:
                results[i] = await handle
            except ChildWorkflowError as err:
                results[i] = err
            finally:
                self._slots.give_back(_branch_slot(sweep.step, i))  # the branch downed its cluster
            state.child_finished(i, results[i])

        watchers: list[asyncio.Task] = []
        try:
            for branch in sweep.branches:
                await workflow.wait_condition(
                    lambda: stop_early() or sum(1 for j in handles if not lane_finished(j)) < sweep.max_parallel
                )
                if stop_early():
                    break
                await self._slots.take(_branch_slot(sweep.step, branch.index), self._positions[sweep.step],
                                       sweep.step, branch.index)
                handle = await workflow.start_child_workflow(
                    BRANCH_WORKFLOW_TYPE,
                    self._branch_input(plan, sweep, branch.index, ctx, lane, after, await_verdict),
                    id=self._branch_id(plan, sweep.step, branch.index),
                    result_type=BranchResult,
                    parent_close_policy=workflow.ParentClosePolicy.REQUEST_CANCEL,
                    cancellation_type=workflow.ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
                    static_summary=f"{sweep.step} [{branch.label}] on {plan.cluster_name(sweep.cluster, branch.index)}",
                )
                handles[branch.index] = handle
                state.child_started(branch.index)
                watchers.append(asyncio.ensure_future(follow(branch.index, handle)))
            await workflow.wait_condition(
                lambda: stop_early() or all(lane_finished(i) for i in handles)
            )
            if stop_early():
                raise state.failure(sweep)
            succeeded = [i for i in handles if state.lane_ok(i) and not isinstance(results.get(i), BaseException)]
            if len(succeeded) < sweep.min_succeeded:
                raise state.too_few(sweep, len(succeeded))
            self._done.update(sweep.lane)
            if sweep.selection is not None:
                winner = state.select(sweep, succeeded)
                if winner is None:
                    raise state.no_metric(sweep)
                self._done.add(sweep.selection.step)
                for i in handles:
                    # A branch that failed (or already ended) waits for no verdict.
                    if await_verdict and i != winner and i not in results and state.lane_ok(i):
                        await _verdict(handles[i], False)
                if after:
                    await self._needs({n for st in after for n in st.needs if n not in members})
                    self._started.update(sweep.after)
                    await _verdict(handles[winner], True)
                    await workflow.wait_condition(lambda: winner in results)
                    outcome = results[winner]
                    if isinstance(outcome, BaseException) or not outcome.ok:
                        raise state.winner_failed(sweep, winner, outcome)
                    self._done.update(sweep.after)
            for w in watchers:
                await settle(w)
        except BaseException:
            for i, handle in handles.items():
                if i not in results:
                    handle.cancel()
            for w in watchers:
                await settle(w)
            raise

    def _branch_input(
        self, plan: Plan, sweep: Sweep, index: int, ctx: RunContext, lane: list[Step], after: list[Step],
        await_verdict: bool,
    ) -> BranchInput:
        branch = sweep.branches[index]
        info = workflow.info()

        steps, after_steps = self._branch_steps(plan, sweep, index)
        return BranchInput(
            parent_workflow_id=info.workflow_id,
            parent_run_id=info.run_id,
            sweep=sweep.step,
            index=index,
            label=branch.label,
            cluster_name=plan.cluster_name(sweep.cluster, index),
            run=ctx,
            steps=steps,
            after=after_steps,
            await_verdict=await_verdict,
        )

    def _branch_steps(self, plan: Plan, sweep: Sweep, index: int) -> tuple[list[BranchStep], list[BranchStep]]:
        """A branch's steps before the sweep's select, and after it (the winner's)."""
        branch = sweep.branches[index]

        def step(st: Step) -> BranchStep:
            return BranchStep(
                name=st.name,
                kind=activity_kind(st.kind),
                task_yaml=st.task_yaml,
                job_name=plan.job_name(st.name, index),
                timeout_s=st.timeout_s,
                heartbeat_timeout_s=st.heartbeat_timeout_s,
                envs={**st.envs, **branch.envs},
                repair_minutes=plan.options.repair_minutes if st.repair_minutes is None else st.repair_minutes,
            )

        return [step(plan.dag.step(n)) for n in sweep.lane], [step(plan.dag.step(n)) for n in sweep.after]

    # -- failures -----------------------------------------------------------------
    def _step_failure(self, name: str, cluster: str, err: BaseException) -> ApplicationError:
        """The failure a client sees: names the step, carries the job's log tail."""
        cause = err.cause if isinstance(err, ActivityError) else err
        text = failure_text(err)
        kind = cause.type if isinstance(cause, ApplicationError) else JOB_FAILED
        message = f"step {name!r} failed: {text}"
        details = cause.details[0] if isinstance(cause, ApplicationError) and cause.details else None
        outcome = details if isinstance(details, dict) else {}
        self._progress.step_failed(name, cluster, outcome)
        if self._ctx is not None and isinstance(outcome.get("recoveries"), int):  # a managed job's
            managed_recoveries(name, outcome["recoveries"], self._ctx.metrics_step_label)
        if outcome.get("log_tail"):
            message += "\n--- log tail ---\n" + str(outcome["log_tail"])
        return ApplicationError(message, type=kind, non_retryable=True)

    def _teardown_failure(self, err: BaseException | None) -> ApplicationError:
        self._set_phase(PHASE_TEARDOWN_FAILED)
        _count(TEARDOWN_FAILURES, value=len(self._clusters.left))
        left = self._clusters.left
        why = "; ".join(f"{c} ({reason})" for c, reason in left.items())
        message = f"teardown failed: clusters still up: {', '.join(left)}. Last errors: {why}"
        if err is None:
            done = ", ".join(f"{s.name} {s.status}" for s in self._progress.results())
            message += f". The steps themselves completed: {done}"
        elif is_cancellation(err):
            message += ". The run had been cancelled"
        elif isinstance(err, StepFailed):
            message += f". The run had failed: {err.failure.message}"
        else:
            message += f". The run had failed: {failure_text(err)}"
        # The first detail names the clusters still up, for clients to print.
        return ApplicationError(message, list(left), type=TEARDOWN_FAILED, non_retryable=True)

    def _set_phase(self, phase: str, details: str = "") -> None:
        self._phase = phase
        # What the Temporal UI shows of the run now.
        workflow.set_current_details(details or f"phase: {phase}")


def _branch_slot(sweep: str, index: int) -> str:
    """The key of a sweep branch's slot (its cluster's, held for the branch's whole run)."""
    return f"{sweep}/b{index}"


def _count(metric: Metric, labels: dict[str, str] | None = None, value: int = 1) -> None:
    # The workflow's meter records nothing while a history replays: no double counts.
    counter = workflow.metric_meter().create_counter(metric.name, metric.help)
    (counter.with_additional_attributes(labels) if labels else counter).add(value)


def _failure_labels(err: BaseException) -> dict[str, str]:
    failure = err.failure if isinstance(err, StepFailed) else getattr(err, "cause", None) or err
    kind = failure.type if isinstance(failure, ApplicationError) else type(failure).__name__
    if isinstance(err, ActivityError):
        # The activities the run awaits outside its steps.
        step = "clone" if err.activity_type == RUN_GIT_CLONE else "resume"
    else:
        step = err.step if isinstance(err, StepFailed) else ""
    return {"failure_type": kind or "", "step": step}


def _refused_as_input(check, request):
    """`check(request)`, its Refused as the failure an update's caller reads (the message alone)."""
    try:
        return check(request)
    except Refused as err:
        raise ApplicationError(str(err), type=INVALID_INPUT, non_retryable=True) from None


def _shape(plan: Plan) -> list[tuple]:
    """What a retry may not change: each step's name, kind, cluster, needs and sweep."""
    return [(st.name, st.kind, st.cluster, st.needs, st.sweep, st.after_select,
             tuple(tuple(sorted(b.envs.items())) for b in plan.dag.sweeps[st.name].branches)
             if st.name in plan.dag.sweeps else ()) for st in plan.steps]


def _ended(record: pb.RepairRecord | None) -> str:
    """How a wait for a repair ended, as a failure's message says it."""
    if record is None:
        return ""
    if record.action == repairs.TIMEOUT:
        ended = record.reason
    else:
        ended = f"{record.action} by {record.requester}" + (f": {record.reason}" if record.reason else "")
    return f"waited for a repair since {record.waiting_since}; {ended}"


def _with_repair(failure: ApplicationError, record: pb.RepairRecord) -> ApplicationError:
    """The step's failure, its first line saying how its wait for a repair ended."""
    first, _, rest = failure.message.partition("\n")
    first += f" ({_ended(record)})"
    return ApplicationError(first + ("\n" + rest if rest else ""), *failure.details, type=failure.type,
                            non_retryable=True)


async def _verdict(handle: workflow.ChildWorkflowHandle, won: bool) -> None:
    """Tells a branch whether it won; a branch that has meanwhile ended needs no word."""
    try:
        await handle.signal(VERDICT_SIGNAL, won)
    except Exception as err:  # noqa: BLE001 - the branch's own result tells what it did
        workflow.logger.info("branch %s did not take its verdict: %s", handle.id, err)


def _context(inp: pb.SkyPilotWorkflowInput, options, clone: CloneResult, run_key: str) -> RunContext:
    return RunContext(
        repo_url=inp.repo_url,
        branch=inp.branch,
        commit=clone.commit,
        run_key=run_key,
        envs_override=dict(inp.envs_override),
        secret_env_names=list(inp.secret_env_names),
        api_server_endpoint=options.api_server_endpoint,
        autodown_minutes=options.autodown_minutes,
        retry_until_up=options.retry_until_up,
        teardown_timeout_s=options.teardown_timeout_s,
        task_queue=clone.task_queue,
        metrics_step_label=clone.metrics_step_label,
    )
