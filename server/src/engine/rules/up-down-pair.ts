/**
 * The up/down consistency of the migration a checked file belongs to (see inverse/consistency.ts),
 * computed once per pair by the workspace (project/pair.ts) and shared by `missing-inverse`,
 * `unexpected-down-statement`, `down-order` and the code actions.
 */
import type { Consistency } from '../inverse/consistency';
import type { InverseStep } from '../inverse/index';
import type { Statement } from '../parsing/parser';
import type { MigrationPair } from '../project/pair';
import type { SchemaModel } from '../schema';
import type { RuleContext } from './types';
import { keyOf } from '../host';

export interface PairConsistency {
  pair: MigrationPair;
  before: SchemaModel;
  result: Consistency;
  /** Whether the checked file holds the up (a single file holds both). */
  isUp: boolean;
  isDown: boolean;
  /** The inverse of each up statement, by statement index (computed on first use). */
  inverseOf(index: number): InverseStep | undefined;
  /** The down file's name for messages and titles. */
  downName: string;
}

const cache = new WeakMap<RuleContext, PairConsistency | null>();

export function consistencyFor(ctx: RuleContext): PairConsistency | undefined {
  let value = cache.get(ctx);
  if (value === undefined) {
    value = compute(ctx) ?? null;
    cache.set(ctx, value);
  }
  return value ?? undefined;
}

function compute(ctx: RuleContext): PairConsistency | undefined {
  if (!ctx.migration || !ctx.directory.isMigrationDirectory) return undefined;
  const facts = ctx.facts.pair();
  const result = facts?.consistency();
  if (!facts || !result) return undefined;
  const self = keyOf(ctx.filePath);
  return {
    pair: facts.pair,
    before: facts.before,
    result,
    isUp: keyOf(facts.pair.up.path) === self,
    isDown: keyOf(facts.pair.down.path) === self,
    downName: facts.downName,
    inverseOf: (index) => facts.inverseOf(index),
  };
}

/** The checked file's own statement at the same place (the pair's parse may blank other sections). */
export function ownStatement(ctx: RuleContext, stmt: Statement): Statement | undefined {
  return ctx.parsed.statements.find((s) => s.span.start === stmt.span.start);
}
