"""A running step's latest output in its heartbeat details, as the starters read it
(DescribeWorkflowExecution, pending activities), on a real worker: the last lines,
a count of them all, secret values masked there and everywhere in the history; and
the worker rendering them into the view query's answer when a client sends them."""

from __future__ import annotations

import json
from typing import Any

from pipeline_helpers import history_json, pipeline_input, start, wait_until
from support import held_until_released, make_git_repo
from temporalio.client import WorkflowHandle

from skypilot_temporal.contract.names import LIVE_OUTPUT_KEY, VIEW_QUERY, data_converter
from skypilot_temporal.starter.follow import read_heartbeats
from skypilot_temporal.v1 import pipeline_pb2 as pb

SECRET = "s3cr3t-value-42"  # set in the worker's environment by the local_worker fixture

# Prints a few lines, one of them the secret, then holds until the test releases it.
CHATTY = """name: chatty
run: |
  set -euo pipefail
  echo "epoch 1"
  echo "epoch 2"
  echo "token is $SECRET_TOKEN"
  echo "epoch 3"
""" + held_until_released(600)


async def running_output(handle: WorkflowHandle) -> list[tuple[Any, dict]]:
    """Each pending activity's heartbeat details payload and its decoded value."""
    desc = await handle.describe()
    found = []
    for act in desc.raw_description.pending_activities:
        if act.heartbeat_details.payloads:
            [payload] = act.heartbeat_details.payloads
            [value] = data_converter.payload_converter.from_payloads([payload])
            found.append((payload, value))
    return found


async def test_heartbeats_carry_the_steps_latest_lines_masked(client, local_worker, task_queue, tmp_path, work_dir):
    repo = make_git_repo(tmp_path / "chatty", files={"chatty.yaml": CHATTY})
    steps = [pb.PipelineStep(name="talk", task_yaml="chatty.yaml", kind=pb.STEP_KIND_LAUNCH)]
    handle = await start(client, pipeline_input(repo, steps=steps, secret_env_names=["SECRET_TOKEN"],
                                                cluster_prefix="live"), task_queue)
    seen: list[tuple[Any, dict]] = []

    async def five_lines() -> bool:
        seen[:] = await running_output(handle)
        return any(v.get(LIVE_OUTPUT_KEY, {}).get("count", 0) >= 5 for _, v in seen)

    await wait_until(five_lines, timeout=60, every=0.3)
    [(payload, details)] = seen
    assert payload.metadata["encoding"] == b"json/plain"  # what the starters decode
    assert SECRET.encode() not in payload.data
    output = details[LIVE_OUTPUT_KEY]
    cluster = output["cluster"]
    assert cluster.startswith("live-") and details["job_id"] == 1  # the checkpoint beside it
    assert output == {
        "step": "talk", "label": "talk", "cluster": cluster, "attempt": 1, "count": 5,
        # The local executor's line about the cluster, then the job's.
        "lines": [f"provisioned local cluster {cluster} at {work_dir / 'local' / 'clusters' / cluster}",
                  "epoch 1", "epoch 2", "token is ***", "epoch 3"],
    }

    await the_view_shows_the_lines_it_is_sent(client, handle, output["lines"])

    (work_dir / "local" / "clusters" / cluster / "home" / "release").touch()
    result = await handle.result()
    assert result.steps[0].status == "SUCCEEDED" and "token is ***" in result.steps[0].log_tail
    history = await history_json(handle)
    assert SECRET not in history and SECRET not in json.dumps(details)
    assert "token is ***" in local_worker.log() and SECRET not in local_worker.log()


async def the_view_shows_the_lines_it_is_sent(client, handle: WorkflowHandle, lines: list[str]) -> None:
    """The heartbeats a client read, sent with the view query, come back as the step's
    output lines after the state lines, once; without them, or with an argument that is
    no request, the answer is the state lines alone."""
    beats = await read_heartbeats(client, handle)
    assert len(beats) == 1 and json.loads(beats[0])[LIVE_OUTPUT_KEY]["lines"] == lines
    state = await handle.query(VIEW_QUERY, pb.RunViewRequest(), result_type=pb.RunView)
    assert state.lines and not any(" | " in line for line in state.lines)
    shown = [f"    talk | {line}" for line in lines]
    view = await handle.query(VIEW_QUERY, pb.RunViewRequest(heartbeats=beats), result_type=pb.RunView)
    assert list(view.lines) == [*state.lines, *shown]
    again = await handle.query(VIEW_QUERY, pb.RunViewRequest(cursor=view.cursor, heartbeats=beats),
                               result_type=pb.RunView)
    assert list(again.lines) == []
    # json/plain, as a client without the contract's messages sends it.
    plain = await handle.query(VIEW_QUERY, {"cursor": "", "heartbeats": beats}, result_type=pb.RunView)
    assert list(plain.lines) == list(view.lines)
    # The cursor alone (`temporal workflow query --name view --input '""'`), no argument, or no request.
    for args in ([""], [], [5], [["not", "a", "request"]]):
        answer = await handle.query(VIEW_QUERY, args=args, result_type=pb.RunView)
        assert list(answer.lines) == list(state.lines), args
