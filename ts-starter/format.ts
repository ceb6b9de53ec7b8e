// Small text helpers for what the starter prints itself (the worker renders the run).
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
