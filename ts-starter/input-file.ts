// --input: a SkyPilotWorkflowInput in proto JSON. protojson stops at the first unknown
// field; the error here names every one, by its path.
import { readFileSync } from 'node:fs';
import { Type } from 'protobufjs';
import * as protojson from 'protobufjs/ext/protojson';
import { skypilot_temporal } from './generated/root';
import * as cli from './generated/starter-cli';

const inputType = skypilot_temporal.v1.SkyPilotWorkflowInput as unknown as Type;

/** The file's input as message properties; throws what is wrong with the file. */
export function readInput(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(cli.inputNotJson({ detail: (err as Error).message }));
  }
  const unknown = unknownFields(inputType, doc, '').sort();
  if (unknown.length > 0) throw new Error(cli.inputUnknownFields({ fields: unknown.join(', ') }));
  return { ...protojson.fromJson(inputType, doc) } as Record<string, unknown>;
}

/** The quoted paths of the JSON keys that name no field (by JSON or proto name) of message `type`. */
function unknownFields(type: Type, doc: unknown, prefix: string): string[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return []; // a wrong type: protojson says so
  type.resolveAll();
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const field = type.fieldsArray.find((f) => f.jsonName === key || f.protoName === key);
    const path = prefix + key;
    if (!field) {
      unknown.push(JSON.stringify(path));
      continue;
    }
    const message = field.resolvedType;
    if (!(message instanceof Type)) continue;
    if (field.map && value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) unknown.push(...unknownFields(message, v, `${path}[${JSON.stringify(k)}].`));
    } else if (field.repeated && Array.isArray(value)) {
      value.forEach((v, i) => unknown.push(...unknownFields(message, v, `${path}[${i}].`)));
    } else {
      unknown.push(...unknownFields(message, value, `${path}.`));
    }
  }
  return unknown;
}
