// --input: a SkyPilotWorkflowInput in proto JSON, with every unknown field named.
import { readFileSync } from 'node:fs';
import { Type } from 'protobufjs';
import * as protojson from 'protobufjs/ext/protojson';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';
import pb = skypilot_temporal.v1;

/** Parses the file; returns the input as message properties. Throws what is wrong with it. */
export function readInput(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(cli.inputNotJson({ detail: (err as Error).message }));
  }
  const type = pb.SkyPilotWorkflowInput as unknown as Type;
  const unknown = unknownFields(type, doc, '');
  if (unknown.length > 0) throw new Error(cli.inputUnknownFields({ fields: unknown.join(', ') }));
  return { ...protojson.fromJson(type, doc) } as Record<string, unknown>;
}

/**
 * Lists, sorted, the quoted paths of JSON keys that name no field (by JSON name or
 * proto name) of message `type`; protojson alone stops at the first.
 */
export function unknownFields(type: Type, doc: unknown, prefix: string): string[] {
  type.resolveAll();
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return []; // wrong types: protojson reports them
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const field = type.fieldsArray.find((f) => f.jsonName === key || f.protoName === key);
    const path = prefix + key;
    if (!field) {
      unknown.push(JSON.stringify(path));
      continue;
    }
    const message = field.resolvedType instanceof Type ? field.resolvedType : undefined;
    if (!message) continue;
    if (field.map && value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) unknown.push(...unknownFields(message, v, `${path}[${JSON.stringify(k)}].`));
    } else if (field.repeated && Array.isArray(value)) {
      value.forEach((v, i) => unknown.push(...unknownFields(message, v, `${path}[${i}].`)));
    } else {
      unknown.push(...unknownFields(message, value, `${path}.`));
    }
  }
  return unknown.sort();
}
