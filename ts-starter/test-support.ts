// Helpers of the subcommands' tests: what a run printed, what a call threw, what a run answers.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { payloadConverter } from './payload-converter';

/** What console.log and console.error printed while the test ran, line by line. */
export function printed(t: TestContext) {
  const out = { stdout: [] as string[], stderr: [] as string[] };
  t.mock.method(console, 'log', (text: unknown) => out.stdout.push(String(text)));
  t.mock.method(console, 'error', (text: unknown) => out.stderr.push(String(text)));
  return out;
}

/** The message of the error `call` throws. */
export function thrown(call: () => unknown): string {
  try {
    call();
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail('nothing thrown');
}

/** `value` as the client reads a run's answer sent as json/plain: through the contract's payload converter. */
export function answered<T>(value: unknown): T {
  return payloadConverter.fromPayload<T>({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) });
}
