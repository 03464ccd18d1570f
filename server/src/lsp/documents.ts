/**
 * Open documents, the file host the engine reads through, and the workspace that keeps every fact
 * about the migrations folders. Open (possibly unsaved) documents take precedence over the disk,
 * so pairing and "is the down file empty" see what the user sees. Every edit tells the workspace
 * which file changed (and, for a document that is not on disk, that its directory's listing
 * changed), so nothing is re-read to find out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocuments, type Connection } from 'vscode-languageserver';
import { TextDocument, type Position, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { OverlayFileHost } from '../engine/host';
import { Workspace } from '../engine/project/workspace';
import { uriToPath } from './uri';

const coordinate = (n: unknown): number => (typeof n === 'number' && Number.isFinite(n) ? Math.trunc(n) : 0);

/** The position in `doc` that a client's position means: past a line's end is its end, past the last line the end of the text. */
function clampPosition(doc: TextDocument, p: Position | undefined): Position {
  return doc.positionAt(doc.offsetAt({ line: coordinate(p?.line), character: coordinate(p?.character) }));
}

/**
 * Incremental changes with their ranges clamped to the document before they are applied, one at a
 * time (each to the text the previous one left). `TextDocument.update` finds the right offsets for
 * a range past the end but rebuilds its line table from the range's unclamped line numbers, so one
 * such change (VS Code never sends them; other clients can) made every later edit land elsewhere.
 */
export const ClampingTextDocument = {
  create: TextDocument.create,
  update(doc: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument {
    if (changes.length === 0) return TextDocument.update(doc, [], version);
    for (const change of changes) {
      const clamped: TextDocumentContentChangeEvent =
        'range' in change && change.range
          ? { range: { start: clampPosition(doc, change.range.start), end: clampPosition(doc, change.range.end) }, text: change.text }
          : change;
      TextDocument.update(doc, [clamped], version);
    }
    return doc;
  },
};

export class Documents {
  readonly all = new TextDocuments(ClampingTextDocument);
  /** The disk with the open documents over it; what file-creating actions check (never overwrite). */
  readonly host = new OverlayFileHost();
  /** Facts computed once and kept: texts, listings, parses, timelines, pairs, analyses. */
  readonly workspace = new Workspace(this.host, { incremental: true });

  constructor() {
    this.all.onDidChangeContent((e) => {
      const p = uriToPath(e.document.uri);
      if (p) this.contentChanged(p, e.document.getText());
    });
    this.all.onDidClose((e) => {
      const p = uriToPath(e.document.uri);
      if (p) this.closed(p);
    });
  }

  /** A document was opened or edited: its text counts for every fact, from now on. */
  contentChanged(filePath: string, text: string): void {
    const known = this.host.has(filePath);
    this.host.set(filePath, text);
    this.workspace.changed(filePath);
    // A new document that is not on disk (yet) is a file of its directory for pairing.
    if (!known && !fs.existsSync(filePath)) this.workspace.listingChanged(path.dirname(filePath));
  }

  /**
   * A document was closed: the disk's text counts again (or, unsaved, the file is gone), and what
   * was kept for its keystrokes (analysis, replay, parses, pair facts) is let go.
   */
  closed(filePath: string): void {
    this.host.delete(filePath);
    this.workspace.changed(filePath);
    this.workspace.forget(filePath);
    if (!fs.existsSync(filePath)) this.workspace.listingChanged(path.dirname(filePath));
  }

  /** Files changed on disk (the client's file watcher): the workspace hears which; it re-reads nothing else. */
  filesChanged(changes: readonly { path: string; kind: 'created' | 'changed' | 'deleted' }[]): void {
    for (const c of changes) {
      if (c.kind !== 'changed') this.workspace.listingChanged(path.dirname(c.path));
      this.workspace.changed(c.path);
      // A deleted (or renamed away) file keeps nothing; an open document is analysed again when pulled.
      if (c.kind === 'deleted') this.workspace.forget(c.path);
    }
  }

  get(uri: string): TextDocument | undefined {
    return typeof uri === 'string' ? this.all.get(uri) : undefined;
  }

  /** The open document at a path, if any (for versioned edits). */
  byPath(filePath: string): TextDocument | undefined {
    for (const doc of this.all.all()) if (uriToPath(doc.uri) === filePath) return doc;
    return undefined;
  }

  listen(connection: Connection): void {
    this.all.listen(connection);
  }
}
