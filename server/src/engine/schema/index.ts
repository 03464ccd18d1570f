/**
 * The schema model: what migrations leave in the database, replayed statically from their ASTs
 * (replay.ts) into immutable snapshots that share structure (model.ts, pmap.ts). Which snapshot a
 * migration runs against is the folder's timeline's business (project/timeline.ts).
 */
import { parseSql } from '../parsing/parser';
import type { SchemaModel } from './model';
import { replayFile } from './replay';

export * from './model';
export { replayFile, replayThrough, schemasThroughFile, renderColumn, inputArgTypes, normalizeTypeName, type Replay } from './replay';
export { makeObjectName, chooseName } from './names';
export { renderTable, qualifiedLabel } from './render';

/** Applies a SQL text (e.g. a down file, a generated inverse) to a snapshot; the snapshot is unchanged. */
export function applySql(base: SchemaModel, text: string, file = ''): SchemaModel {
  return replayFile(base, file, parseSql(text));
}
