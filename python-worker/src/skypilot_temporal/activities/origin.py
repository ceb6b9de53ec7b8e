"""`run_read_origin`: what a resumed run needs of the run it resumes (resume_from): that
it exists, has ended and cloned the same repository, and its steps that succeeded with
their keys. Read from Temporal itself: the run's first event (its input) and its
progress query, which Temporal answers for a closed run by replaying its history.
"""

from __future__ import annotations

from datetime import timedelta

from google.protobuf import json_format
from temporalio import activity
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from skypilot_temporal.contract.activity_types import RUN_READ_ORIGIN, OriginInput, OriginResult, OriginStep
from skypilot_temporal.contract.names import INVALID_INPUT, PROGRESS_QUERY, WORKFLOW_TYPE
from skypilot_temporal.pipeline.resume import REUSABLE_STATUSES
from skypilot_temporal.v1 import pipeline_pb2 as pb

# How long the ended run's replay may take to answer its progress.
QUERY_TIMEOUT = timedelta(seconds=60)


def _refused(message: str) -> ApplicationError:
    return ApplicationError(f"resume_from: {message}", type=INVALID_INPUT, non_retryable=True)


class OriginReader:
    def __init__(self, client: Client) -> None:
        self.client = client

    @activity.defn(name=RUN_READ_ORIGIN)
    async def run_read_origin(self, inp: OriginInput) -> OriginResult:
        handle = self.client.get_workflow_handle(inp.workflow_id)
        try:
            described = await handle.describe()
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                raise _refused(f"no run with workflow id {inp.workflow_id!r}") from None
            raise
        if described.workflow_type != WORKFLOW_TYPE:
            raise _refused(f"{inp.workflow_id!r} is a {described.workflow_type} workflow, not a {WORKFLOW_TYPE} run")
        if described.status == WorkflowExecutionStatus.RUNNING:
            raise _refused(f"run {inp.workflow_id!r} is still running: resume a run that has ended")
        ran = await self._input(handle)
        if ran.repo_url != inp.repo_url:
            raise _refused(f"run {inp.workflow_id!r} cloned {ran.repo_url!r}, not {inp.repo_url!r}")
        progress = await handle.query(PROGRESS_QUERY, result_type=pb.SkyPilotWorkflowProgress,
                                      rpc_timeout=QUERY_TIMEOUT)
        steps: dict[str, OriginStep] = {}
        for r in progress.finished:
            if r.branch or r.status not in REUSABLE_STATUSES or not r.key:
                continue
            steps[r.name] = OriginStep(r.name, r.key, r.status,
                                       json_format.MessageToDict(r, preserving_proto_field_name=True))
        activity.logger.info("run %s resumes %s (%s): %d steps it may reuse", activity.info().workflow_id,
                             inp.workflow_id, described.run_id, len(steps))
        return OriginResult(run_id=described.run_id or "", steps=list(steps.values()))

    async def _input(self, handle: WorkflowHandle) -> pb.SkyPilotWorkflowInput:
        async for event in handle.fetch_history_events():
            payloads = event.workflow_execution_started_event_attributes.input.payloads
            (inp,) = await self.client.data_converter.decode(payloads[:1], [pb.SkyPilotWorkflowInput])
            return inp
        raise _refused(f"run {handle.id!r} has no history")

