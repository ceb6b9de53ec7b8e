// Each poll reads the running steps' heartbeats and sends them, unparsed and in order, with the
// cursor to the view query. How the worker renders them, its own tests check.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { viewLines } from './follow';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import { payloadConverter } from './payload-converter';
import pb = skypilot_temporal.v1;

/** A pending activity as DescribeWorkflowExecution lists it, with its heartbeat details. */
const activity = (data: string, encoding = 'json/plain') => ({
  heartbeatDetails: { payloads: [{ metadata: { encoding: Buffer.from(encoding) }, data: Buffer.from(data) }] },
});

/** A workflow's description with these pending activities and pending children (by workflow id). */
const described = (activities: object[], children: string[] = []) => ({
  pendingActivities: activities,
  pendingChildren: children.map((workflowId) => ({ workflowId })),
});

/**
 * A run as viewLines sees it through its handle: describing the run (id "run") or a child answers
 * its entry of `runs` (none: the describe fails); the view query records each request and answers
 * `answers` in order (none left: no answer).
 */
function fakeRun(runs: Record<string, object>, answers: pb.IRunView[] = []) {
  const describes: string[] = [];
  const requests: pb.RunViewRequest[] = [];
  const handleOf = (workflowId: string) => ({
    workflowId,
    client,
    describe: async () => {
      describes.push(workflowId);
      if (!runs[workflowId]) throw new Error(`workflow ${workflowId} not found`);
      return { raw: runs[workflowId] };
    },
    query: async (name: string, request: pb.RunViewRequest) => {
      assert.equal(name, cli.viewQuery);
      requests.push(request);
      const answer = answers.shift();
      if (!answer) throw new Error('no worker answered');
      return answer;
    },
  });
  const client = { withDeadline: (_deadline: number, call: () => unknown) => call(), getHandle: handleOf };
  return { handle: handleOf('run') as unknown as WorkflowHandle, describes, requests };
}

/** The lines console.log printed while the test ran. */
function printed(t: TestContext): string[] {
  const lines: string[] = [];
  t.mock.method(console, 'log', (text: unknown) => lines.push(String(text)));
  return lines;
}

test("each poll sends the run's heartbeats, then those of its first liveStepsMax children, with the cursor", async (t) => {
  const children = Array.from({ length: cli.liveStepsMax + 1 }, (_, i) => `branch-${i}`);
  const runs: Record<string, object> = { run: described([activity('{"step":"a"}'), activity('{"step":"b"}')], children) };
  for (const id of children) runs[id] = described([activity(`{"step":"${id}"}`)]);
  const run = fakeRun(runs, [{ lines: ['first'], cursor: 'c1' }, { lines: ['second'], cursor: 'c2' }]);
  const stdout = printed(t);
  const view = viewLines(run.handle, 'q', false);
  await view.poll();
  await view.poll();
  await view.last();
  const followed = children.slice(0, cli.liveStepsMax);
  const sent = ['{"step":"a"}', '{"step":"b"}', ...followed.map((id) => `{"step":"${id}"}`)];
  // The last query, after the run ended, reads nothing: no step runs any more.
  assert.deepEqual(run.requests.map((r) => [r.cursor, r.heartbeats]), [['', sent], ['c1', sent], ['c2', []]]);
  assert.deepEqual(run.describes, ['run', ...followed, 'run', ...followed]);
  assert.deepEqual(stdout, ['first', 'second']);
});

test('the query argument travels as json/protobuf, a RunViewRequest naming this starter', async (t) => {
  const run = fakeRun({ run: described([activity('{}')]) });
  printed(t);
  await viewLines(run.handle, 'q', false).poll();
  const payload = payloadConverter.toPayload(run.requests[0]);
  assert.equal(Buffer.from(payload.metadata?.encoding ?? []).toString(), 'json/protobuf');
  assert.equal(Buffer.from(payload.metadata?.messageType ?? []).toString(), 'skypilot_temporal.v1.RunViewRequest');
  assert.deepEqual(JSON.parse(Buffer.from(payload.data ?? []).toString()), { heartbeats: ['{}'], starter: 'ts' });
});

test('only json/plain heartbeat details are sent, as they are', async (t) => {
  const run = fakeRun({
    run: described([
      activity('{"step":"a"}', 'binary/plain'),
      { heartbeatDetails: { payloads: [] } },
      {},
      activity('not JSON, sent unparsed'),
      activity('{"step":"b"}'),
    ]),
  });
  printed(t);
  await viewLines(run.handle, 'q', false).poll();
  assert.deepEqual(run.requests[0].heartbeats, ['not JSON, sent unparsed', '{"step":"b"}']);
});

test('a poll whose describe fails sends no heartbeats; the next one reads them again', async (t) => {
  const runs: Record<string, object> = { run: described([activity('{"step":"a"}')], ['branch-0']) };
  const run = fakeRun(runs, [{ cursor: 'c1' }, { cursor: 'c2' }]);
  const stdout = printed(t);
  const view = viewLines(run.handle, 'q', false);
  await view.poll();
  runs['branch-0'] = described([activity('{"step":"branch"}')]);
  await view.poll();
  assert.deepEqual(run.requests.map((r) => [r.cursor, r.heartbeats]), [['', []], ['c1', ['{"step":"a"}', '{"step":"branch"}']]]);
  assert.deepEqual(stdout, []);
});

test('quiet, nothing is described or asked', async (t) => {
  const run = fakeRun({ run: described([activity('{"step":"a"}')]) }, [{ lines: ['x'], cursor: 'c1' }]);
  const stdout = printed(t);
  const view = viewLines(run.handle, 'q', true);
  await view.poll();
  await view.last();
  assert.deepEqual([run.describes, run.requests, stdout], [[], [], []]);
});
