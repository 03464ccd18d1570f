/**
 * Whether two schema snapshots describe the same database, ignoring where things were written
 * (`origin` spans, AST `location`s): the timeline's early cut-off. After an edit of migration N is
 * replayed, an unchanged schema means every later snapshot still holds, so nothing after N is
 * replayed again (an edited comment, an edited INSERT, a reformatted statement).
 *
 * Cheap because snapshots share structure: entries that are the very same object are equal
 * without a look inside; only what the replay of N rebuilt is compared field by field.
 */
import type { SchemaModel } from './model';

const IGNORED = new Set(['origin', 'location', 'span', 'file']);

export function sameSchema(a: SchemaModel, b: SchemaModel): boolean {
  if (a === b) return true;
  return (
    sameMap(a.tables, b.tables) &&
    sameMap(a.views, b.views) &&
    sameMap(a.sequences, b.sequences) &&
    sameMap(a.types, b.types) &&
    sameMap(a.functions, b.functions) &&
    sameMap(a.extensions, b.extensions) &&
    sameMap(a.schemas, b.schemas) &&
    sameValue(a.unknowns, b.unknowns)
  );
}

function sameMap(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  // Same order too: column order is part of a table.
  const ib = b.entries();
  for (const [k, v] of a) {
    const next = ib.next();
    if (next.done) return false;
    const [kb, vb] = next.value;
    if (k !== kb || !sameValue(v, vb)) return false;
  }
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (isMap(a) || isMap(b)) return isMap(a) && isMap(b) && sameMap(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => !IGNORED.has(k));
  const kb = Object.keys(rb).filter((k) => !IGNORED.has(k));
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(rb, k) || !sameValue(ra[k], rb[k])) return false;
  }
  return true;
}

function isMap(v: object): v is ReadonlyMap<string, unknown> {
  return typeof (v as { entries?: unknown }).entries === 'function' && typeof (v as { get?: unknown }).get === 'function' && typeof (v as { size?: unknown }).size === 'number';
}
