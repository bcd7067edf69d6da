import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * The JSON Schemas of looplab's files (lab/schema/, shipped in the repo for editors and other
 * tools): raw.json, report.json, load/scenarios.json and budget files, checked with ajv. The
 * schemas hold the shape; names are checked against the contract by the code that reads them.
 */
export type SchemaName = 'raw' | 'report' | 'scenarios' | 'budgets' | 'stalls' | 'compare-config';

/** lab/schema, from lab/src (tests) and lab/dist (the CLI) alike. */
export const SCHEMA_DIR = join(__dirname, '..', 'schema');

const read = (file: string): object =>
  JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as object;

let ajv: Ajv2020 | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

function validatorOf(name: SchemaName): ValidateFunction {
  ajv ??= new Ajv2020({ allErrors: false, strict: true })
    .addSchema(read('common.schema.json'))
    .addSchema(read('stalls.schema.json'));
  let validate = compiled.get(name);
  if (!validate) {
    // A schema the others refer to is added above already: compiled once, under its $id.
    validate =
      ajv.getSchema(`https://looplab.dev/lab/${name}.schema.json`) ??
      ajv.compile(read(`${name}.schema.json`));
    compiled.set(name, validate);
  }
  return validate;
}

/** `/presets/compare/thresholds/0/maxMs` as `presets.compare.thresholds[0].maxMs`. */
function fieldOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part),
      '',
    );
}

/** One ajv error in words that name the field. */
function problemOf(error: ErrorObject): string {
  const field = fieldOf(error.instancePath);
  const at = (child: string) => (field ? `${field}.${child}` : child);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${at(String(params.missingProperty))} is missing`;
    case 'additionalProperties':
      return `${at(String(params.additionalProperty))} is not a field of ${field || 'the file'}`;
    case 'enum':
      return `${field} must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'type': {
      const types = String(params.type).split(',');
      const named = types.map((type) =>
        type === 'null' ? 'null' : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`,
      );
      return `${field || 'the file'} must be ${named.join(' or ')}`;
    }
    case 'minLength':
      return params.limit === 1 ? `${field} must not be empty` : `${field} ${error.message}`;
    case 'const':
      return `${field} must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return `${field || 'the file'} ${error.message ?? 'is not valid'}`;
  }
}

/**
 * Checks `data` against a schema; returns the first problem, naming the field, or undefined
 * when the data is valid.
 */
export function schemaProblem(name: SchemaName, data: unknown): string | undefined {
  const validate = validatorOf(name);
  if (validate(data)) return undefined;
  const [first] = validate.errors ?? [];
  return first ? problemOf(first) : 'is not valid';
}
