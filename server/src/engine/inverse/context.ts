/**
 * What the up file has created so far, read statement by statement: later statements that only
 * change these objects need no inverse of their own, since dropping the objects undoes them.
 */
import type { Statement } from '../parsing/parser';
import type { SchemaModel } from '../schema/model';
import { parentKey, type Effects, type InverseContext } from './types';

export class FileContext implements InverseContext {
  private created = new Set<string>();
  before?: SchemaModel;
  after?: SchemaModel;
  logged?: ReadonlySet<string>;
  searchPath?: readonly string[];
  statement?: Statement;
  fileRank?: (file: string) => number | undefined;

  isCreated(key: string): boolean {
    for (let k: string | undefined = key; k; k = parentKey(k)) if (this.created.has(k)) return true;
    return false;
  }

  apply(effects: Effects | undefined): void {
    if (!effects) return;
    for (const k of effects.drops ?? []) this.created = new Set([...this.created].filter((c) => !isSelfOrMember(c, k)));
    for (const [from, to] of effects.renames ?? []) {
      this.created = new Set([...this.created].map((c) => renameKey(c, from, to)));
    }
    for (const k of effects.creates ?? []) this.created.add(k);
  }
}

/** Whether `key` is `owner` itself or one of its columns, constraints, triggers, .... */
export function isSelfOrMember(key: string, owner: string): boolean {
  return key === owner || key.startsWith(`${owner}#`);
}

/** `key` with the prefix `from` replaced by `to` (a rename of it or of the object it belongs to). */
export function renameKey(key: string, from: string, to: string): string {
  return isSelfOrMember(key, from) ? to + key.slice(from.length) : key;
}
