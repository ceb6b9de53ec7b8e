// Small text helpers for what the starter prints.
import * as cli from './generated/starter-cli';

/** Points at the workflow in the Temporal Web UI. */
export function uiLink(env: NodeJS.ProcessEnv, namespace: string, workflowId: string): string {
  const base = (env[cli.uiUrlEnv] || cli.uiUrlDefault).replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** Keeps an error detail to the single line the starter prints it on. */
export function oneLine(text: string): string {
  return text.split(/\s+/).filter(Boolean).join(' ');
}

export function orDash(text: string): string {
  return text || '-';
}

/** Rounded to a tenth, shortest form: as Go's and Python's starters print it. */
export function seconds(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/**
 * A metric as String(number) writes it (the Go and Python starters write it the
 * same way): the shortest digits that read back as the same double; plain from
 * 1e-6 up to 1e21, else with an exponent (1e-7, 1.5e+21).
 */
export function number(value: number): string {
  return String(value);
}

/** ` name=value` for each metric, by name: appended to a step's line. */
export function metricsText(metrics: { [name: string]: number } | null | undefined): string {
  const m = metrics ?? {};
  return Object.keys(m)
    .sort()
    .map((name) => cli.metric({ name, value: number(Number(m[name])) }))
    .join('');
}

/** A step, or one branch of a swept step: `eval [3 (LR=3e-4,BATCH=64)]`. */
export function stepLabel(name: string, branch: string): string {
  return branch ? cli.stepLabel({ name, branch }) : name;
}
