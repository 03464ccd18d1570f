/**
 * The up/down consistency of the migration a checked file belongs to (see inverse/consistency.ts),
 * computed once per analysis and shared by `missing-inverse`, `unexpected-down-statement` and
 * `down-order`.
 */
import * as path from 'node:path';
import { checkConsistency, type Consistency } from '../inverse/consistency';
import { invertFile, type InverseStep } from '../inverse/index';
import { migrationPair, type MigrationPair } from '../inverse/pair';
import type { ParsedFile, Statement } from '../parsing/parser';
import { schemaBefore, type SchemaModel } from '../schema';
import type { RuleContext } from './types';

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

const cache = new WeakMap<ParsedFile, PairConsistency | null>();

export function consistencyFor(ctx: RuleContext): PairConsistency | undefined {
  const cached = cache.get(ctx.parsed);
  if (cached !== undefined) return cached ?? undefined;
  let value: PairConsistency | undefined;
  try {
    value = compute(ctx);
  } catch {
    value = undefined;
  }
  cache.set(ctx.parsed, value ?? null);
  return value;
}

function compute(ctx: RuleContext): PairConsistency | undefined {
  if (!ctx.migration || !ctx.directory.isMigrationDirectory) return undefined;
  const pair = migrationPair(ctx.filePath, ctx.parsed.text, ctx.host, ctx.convention, ctx.parsed);
  if (!pair || pair.up.text === undefined || pair.down.text === undefined) return undefined;
  const before = schemaBefore({ directory: pair.directory, migration: pair.migration, host: ctx.host, filePath: pair.up.path });
  const result = checkConsistency({ up: pair.up.parsed, down: pair.down.parsed, before, upPath: pair.up.path, downPath: pair.down.path });
  if (!result) return undefined;
  const self = path.resolve(ctx.filePath);
  let steps: Map<number, InverseStep> | undefined;
  return {
    pair,
    before,
    result,
    isUp: path.resolve(pair.up.path) === self,
    isDown: path.resolve(pair.down.path) === self,
    downName: pair.single ? `the down section` : path.basename(pair.down.path),
    inverseOf(index) {
      if (!steps) {
        steps = new Map();
        for (const s of invertFile(pair.up.parsed, { before, filePath: pair.up.path }).steps) steps.set(s.statement.index, s.step);
      }
      return steps.get(index);
    },
  };
}

/** The checked file's own statement at the same place (the pair's parse may blank other sections). */
export function ownStatement(ctx: RuleContext, stmt: Statement): Statement | undefined {
  return ctx.parsed.statements.find((s) => s.span.start === stmt.span.start);
}
