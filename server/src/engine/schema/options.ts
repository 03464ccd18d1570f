/**
 * What CREATE / ALTER SEQUENCE and CREATE / ALTER FUNCTION set beyond an object's name: a sequence's
 * parameters (type, increment, bounds, start, cache, cycle) and a function's attributes (volatility,
 * strictness, security, leakproofness, cost, rows, parallel safety, `SET` configuration). Both are
 * kept as PostgreSQL keeps them (pg_sequence, pg_proc): concrete values, defaults filled in when the
 * object is created, so that two spellings of one state compare equal and an ALTER can be undone
 * by setting the previous values back.
 */
import type { DefElem, Node, VariableSetStmt } from '@pgsql/types';
import { quoteIdent, stringList } from '../parsing/ast';

// ---------------------------------------------------------------- sequences

export type SequenceType = 'smallint' | 'integer' | 'bigint';

/** A sequence's parameters as pg_sequence holds them (numbers as decimal text). */
export interface SequenceParams {
  readonly type: SequenceType;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly start: string;
  readonly cache: string;
  readonly cycle: boolean;
}

const BOUNDS: Record<SequenceType, [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

const TYPE_OF: Record<string, SequenceType> = { int2: 'smallint', int4: 'integer', int8: 'bigint', smallint: 'smallint', integer: 'integer', int: 'integer', bigint: 'bigint' };

/** The parameters of a serial column's sequence (`serial` → integer, `bigserial` → bigint...). */
export function serialSequenceParams(serial: string): SequenceParams | undefined {
  const type = SERIAL_SEQUENCE_TYPE[serial];
  return type ? createSequenceParams([], type) : undefined;
}

const SERIAL_SEQUENCE_TYPE: Record<string, SequenceType> = { serial: 'integer', serial4: 'integer', bigserial: 'bigint', serial8: 'bigint', smallserial: 'smallint', serial2: 'smallint' };

function defElems(options: Node[] | undefined): DefElem[] {
  return (options ?? []).flatMap((o) => ('DefElem' in o ? [o.DefElem] : []));
}

/** An integer option's value, or null when it has none (`NO MINVALUE`, `RESTART`), or undefined when it is not an integer. */
function intArg(d: DefElem): bigint | null | undefined {
  const a = d.arg;
  if (!a) return null;
  if ('Integer' in a) return BigInt(a.Integer.ival ?? 0);
  if ('Float' in a && /^-?[0-9]+$/.test(a.Float.fval ?? '')) return BigInt(a.Float.fval!);
  return undefined;
}

/**
 * The parameters `CREATE SEQUENCE ... <options>` gives (PostgreSQL's init_params with its defaults),
 * or undefined when an option is not understood (a type other than smallint / integer / bigint...).
 * `type` is the default type (an identity's or serial's column type; bigint otherwise).
 */
export function createSequenceParams(options: Node[] | undefined, type: SequenceType = 'bigint'): SequenceParams | undefined {
  return applySequenceOptions(undefined, options, type);
}

/**
 * The parameters after `ALTER SEQUENCE ... <options>` (undefined `base`: CREATE), as PostgreSQL
 * works them out: a new type moves bounds that were the old type's to the new type's; `NO
 * MINVALUE` / `NO MAXVALUE` are the defaults for the increment's sign; START stays unless given.
 * Undefined when an option is not understood. RESTART, OWNED BY and SEQUENCE NAME change no parameter.
 */
export function applySequenceOptions(base: SequenceParams | undefined, options: Node[] | undefined, defaultType: SequenceType = 'bigint'): SequenceParams | undefined {
  const init = base === undefined;
  let type: SequenceType = base?.type ?? defaultType;
  let increment = base ? BigInt(base.increment) : 1n;
  let cache = base ? BigInt(base.cache) : 1n;
  let cycle = base?.cycle ?? false;
  let min: bigint | null | undefined;
  let max: bigint | null | undefined;
  let start: bigint | undefined;
  let resetMin = false;
  let resetMax = false;
  for (const d of defElems(options)) {
    switch (d.defname) {
      case 'as': {
        const t = d.arg && 'TypeName' in d.arg ? d.arg.TypeName : undefined;
        const names = stringList(t?.names);
        const next = TYPE_OF[names[names.length - 1] ?? ''];
        if (!next || (names.length > 1 && names[0] !== 'pg_catalog') || t?.arrayBounds) return undefined;
        if (base) {
          resetMax = BigInt(base.max) === BOUNDS[base.type][1];
          resetMin = BigInt(base.min) === BOUNDS[base.type][0];
        }
        type = next;
        break;
      }
      case 'increment': {
        const v = intArg(d);
        if (v === undefined || v === null || v === 0n) return undefined;
        increment = v;
        break;
      }
      case 'minvalue': {
        const v = intArg(d);
        if (v === undefined) return undefined;
        min = v;
        break;
      }
      case 'maxvalue': {
        const v = intArg(d);
        if (v === undefined) return undefined;
        max = v;
        break;
      }
      case 'start': {
        const v = intArg(d);
        if (v === undefined || v === null) return undefined;
        start = v;
        break;
      }
      case 'cache': {
        const v = intArg(d);
        if (v === undefined || v === null) return undefined;
        cache = v;
        break;
      }
      case 'cycle':
        cycle = d.arg !== undefined && 'Boolean' in d.arg ? d.arg.Boolean.boolval === true : true;
        break;
      case 'restart':
      case 'owned_by':
      case 'sequence_name':
      case 'logged':
        break;
      default:
        return undefined;
    }
  }
  const [lo, hi] = BOUNDS[type];
  const up = increment > 0n;
  // Explicit values win; `NO MAXVALUE`, creation, or a type change from the old type's bound: the default.
  const maxValue = typeof max === 'bigint' ? max : init || max === null || resetMax ? (up ? hi : -1n) : BigInt(base!.max);
  const minValue = typeof min === 'bigint' ? min : init || min === null || resetMin ? (up ? 1n : lo) : BigInt(base!.min);
  const startValue = start ?? (init ? (up ? minValue : maxValue) : BigInt(base!.start));
  return Object.freeze({ type, increment: String(increment), min: String(minValue), max: String(maxValue), start: String(startValue), cache: String(cache), cycle });
}

/** The options that set every parameter: `AS integer INCREMENT BY 1 MINVALUE 1 ... NO CYCLE`. */
export function renderSequenceParams(p: SequenceParams): string {
  return `AS ${p.type} INCREMENT BY ${p.increment} MINVALUE ${p.min} MAXVALUE ${p.max} START WITH ${p.start} CACHE ${p.cache} ${p.cycle ? 'CYCLE' : 'NO CYCLE'}`;
}

/** The options of ALTER SEQUENCE that take `from` back to `to` (only those that differ; a type first). */
export function sequenceChange(from: SequenceParams, to: SequenceParams): string[] {
  const out: string[] = [];
  if (from.type !== to.type) out.push(`AS ${to.type}`);
  if (from.increment !== to.increment) out.push(`INCREMENT BY ${to.increment}`);
  // After AS, bounds may have moved: state them whenever they differ from what AS alone leaves.
  const afterType = from.type !== to.type ? applySequenceOptions(from, [{ DefElem: { defname: 'as', arg: { TypeName: { names: [{ String: { sval: 'pg_catalog' } }, { String: { sval: to.type } }] } } } }]) : from;
  if (!afterType || afterType.min !== to.min) out.push(`MINVALUE ${to.min}`);
  if (!afterType || afterType.max !== to.max) out.push(`MAXVALUE ${to.max}`);
  if (from.start !== to.start) out.push(`START WITH ${to.start}`);
  if (from.cache !== to.cache) out.push(`CACHE ${to.cache}`);
  if (from.cycle !== to.cycle) out.push(to.cycle ? 'CYCLE' : 'NO CYCLE');
  return out;
}

export function sameSequenceParams(a: SequenceParams, b: SequenceParams): boolean {
  return a.type === b.type && a.increment === b.increment && a.min === b.min && a.max === b.max && a.start === b.start && a.cache === b.cache && a.cycle === b.cycle;
}

// ---------------------------------------------------------------- functions

/** A function's attributes as pg_proc holds them. */
export interface FunctionAttributes {
  readonly volatility: 'volatile' | 'stable' | 'immutable';
  readonly strict: boolean;
  readonly securityDefiner: boolean;
  readonly leakproof: boolean;
  /** `COST` (text of a number). */
  readonly cost: string;
  /** `ROWS` (text of a number; 0 for a function that returns no set). */
  readonly rows: string;
  readonly parallel: 'unsafe' | 'restricted' | 'safe';
  /** `SET name = value` settings, in the order set: [name, value as SQL]. */
  readonly config: readonly (readonly [string, string])[];
}

/** The value of `SET name = ...` as SQL (`'a', 'b'`, `10`), or undefined for FROM CURRENT and what is not a constant. */
function settingValue(v: VariableSetStmt): string | undefined {
  if (v.kind !== 'VAR_SET_VALUE') return undefined;
  const parts: string[] = [];
  for (const a of v.args ?? []) {
    if (!('A_Const' in a)) return undefined;
    const c = a.A_Const;
    if (c.sval) parts.push(`'${(c.sval.sval ?? '').replace(/'/g, "''")}'`);
    else if (c.ival) parts.push(String(c.ival.ival ?? 0));
    else if (c.fval) parts.push(c.fval.fval ?? '0');
    else if (c.boolval) parts.push(c.boolval.boolval ? 'true' : 'false');
    else if (!c.isnull) parts.push('0');
    else return undefined;
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** What is not modelled about a function's options (undefined: everything is). */
export type AttributesResult = { ok: true; attributes: FunctionAttributes } | { ok: false; why: string };

/**
 * Applies `options` (CREATE FUNCTION's, or ALTER FUNCTION's `actions`) to `base`; with no base, the
 * attributes of a new function (PostgreSQL's defaults: VOLATILE, CALLED ON NULL INPUT, SECURITY
 * INVOKER, NOT LEAKPROOF, COST 1 for C and internal functions and 100 otherwise, ROWS 1000 for a set
 * and 0 otherwise, PARALLEL UNSAFE). `SET ... FROM CURRENT` takes a value only the database knows.
 */
export function applyFunctionOptions(base: FunctionAttributes | undefined, options: Node[] | undefined, create?: { returnsSet: boolean }): AttributesResult {
  const elems = defElems(options);
  const language = elems.find((d) => d.defname === 'language');
  const lang = language?.arg && 'String' in language.arg ? (language.arg.String.sval ?? '').toLowerCase() : undefined;
  const a: { -readonly [K in keyof FunctionAttributes]: K extends 'config' ? (readonly [string, string])[] : FunctionAttributes[K] } = base
    ? { ...base, config: [...base.config] }
    : {
        volatility: 'volatile',
        strict: false,
        securityDefiner: false,
        leakproof: false,
        cost: lang === 'c' || lang === 'internal' ? '1' : '100',
        rows: create?.returnsSet ? '1000' : '0',
        parallel: 'unsafe',
        config: [],
      };
  const num = (d: DefElem): string | undefined => (d.arg && 'Integer' in d.arg ? String(d.arg.Integer.ival ?? 0) : d.arg && 'Float' in d.arg ? String(Number(d.arg.Float.fval)) : undefined);
  for (const d of elems) {
    const arg = d.arg;
    switch (d.defname) {
      case 'volatility': {
        const v = arg && 'String' in arg ? arg.String.sval : undefined;
        if (v !== 'volatile' && v !== 'stable' && v !== 'immutable') return { ok: false, why: `volatility ${v ?? '?'}` };
        a.volatility = v;
        break;
      }
      case 'strict':
        a.strict = arg !== undefined && 'Boolean' in arg && arg.Boolean.boolval === true;
        break;
      case 'security':
        a.securityDefiner = arg !== undefined && 'Boolean' in arg && arg.Boolean.boolval === true;
        break;
      case 'leakproof':
        a.leakproof = arg !== undefined && 'Boolean' in arg && arg.Boolean.boolval === true;
        break;
      case 'cost': {
        const v = num(d);
        if (v === undefined) return { ok: false, why: 'COST' };
        a.cost = v;
        break;
      }
      case 'rows': {
        const v = num(d);
        if (v === undefined) return { ok: false, why: 'ROWS' };
        a.rows = v;
        break;
      }
      case 'parallel': {
        const v = arg && 'String' in arg ? arg.String.sval : undefined;
        if (v !== 'unsafe' && v !== 'restricted' && v !== 'safe') return { ok: false, why: `PARALLEL ${v ?? '?'}` };
        a.parallel = v;
        break;
      }
      case 'set': {
        const v = arg && 'VariableSetStmt' in arg ? arg.VariableSetStmt : undefined;
        if (!v) return { ok: false, why: 'SET' };
        if (v.kind === 'VAR_RESET_ALL') a.config = [];
        else if (v.kind === 'VAR_RESET' || v.kind === 'VAR_SET_DEFAULT') a.config = a.config.filter(([n]) => n !== v.name);
        else {
          const value = settingValue(v);
          if (value === undefined || !v.name) return { ok: false, why: `SET ${v.name ?? ''} ${v.kind === 'VAR_SET_CURRENT' ? 'FROM CURRENT' : ''}`.trim() };
          const i = a.config.findIndex(([n]) => n === v.name);
          if (i >= 0) a.config[i] = [v.name, value];
          else a.config.push([v.name, value]);
        }
        break;
      }
      case 'language':
      case 'as':
      case 'window':
        break;
      case 'support':
        return { ok: false, why: 'SUPPORT' };
      default:
        return { ok: false, why: d.defname ?? '?' };
    }
  }
  return { ok: true, attributes: Object.freeze({ ...a, config: Object.freeze(a.config.map((c) => Object.freeze([c[0], c[1]] as const))) }) };
}

export function sameFunctionAttributes(a: FunctionAttributes, b: FunctionAttributes): boolean {
  return (
    a.volatility === b.volatility &&
    a.strict === b.strict &&
    a.securityDefiner === b.securityDefiner &&
    a.leakproof === b.leakproof &&
    a.cost === b.cost &&
    a.rows === b.rows &&
    a.parallel === b.parallel &&
    a.config.length === b.config.length &&
    a.config.every(([n, v]) => b.config.some(([m, w]) => m === n && w === v))
  );
}

/**
 * The actions of ALTER FUNCTION that take a function from `from` to `to` (empty when they are the
 * same). A procedure has only SECURITY and SET.
 */
export function functionChange(from: FunctionAttributes, to: FunctionAttributes, procedure = false): string[] {
  const out: string[] = [];
  if (!procedure) {
    if (from.volatility !== to.volatility) out.push(to.volatility.toUpperCase());
    if (from.strict !== to.strict) out.push(to.strict ? 'STRICT' : 'CALLED ON NULL INPUT');
    if (from.leakproof !== to.leakproof) out.push(to.leakproof ? 'LEAKPROOF' : 'NOT LEAKPROOF');
    if (from.cost !== to.cost) out.push(`COST ${to.cost}`);
    if (from.rows !== to.rows && to.rows !== '0') out.push(`ROWS ${to.rows}`);
    if (from.parallel !== to.parallel) out.push(`PARALLEL ${to.parallel.toUpperCase()}`);
  }
  if (from.securityDefiner !== to.securityDefiner) out.push(to.securityDefiner ? 'SECURITY DEFINER' : 'SECURITY INVOKER');
  for (const [n] of from.config) if (!to.config.some(([m]) => m === n)) out.push(`RESET ${quoteIdent(n)}`);
  for (const [n, v] of to.config) if (!from.config.some(([m, w]) => m === n && w === v)) out.push(`SET ${quoteIdent(n)} = ${v}`);
  return out;
}

/** Whether the function's return type is a set (`SETOF x`, `TABLE (...)`). */
export function returnsSet(f: { returnType?: import('@pgsql/types').TypeName; parameters?: Node[] }): boolean {
  if (f.returnType?.setof) return true;
  return (f.parameters ?? []).some((p) => 'FunctionParameter' in p && p.FunctionParameter.mode === 'FUNC_PARAM_TABLE');
}

