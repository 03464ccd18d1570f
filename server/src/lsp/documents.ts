/**
 * Open documents, and the file host the engine reads through: open (possibly unsaved) documents
 * take precedence over the disk, so pairing and "is the down file empty" see what the user sees.
 */
import { TextDocuments, type Connection } from 'vscode-languageserver';
import { TextDocument, type Position, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { OverlayFileHost } from '../engine/host';
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
  readonly host = new OverlayFileHost();

  constructor() {
    this.all.onDidChangeContent((e) => {
      const p = uriToPath(e.document.uri);
      if (p) this.host.set(p, e.document.getText());
    });
    this.all.onDidClose((e) => {
      const p = uriToPath(e.document.uri);
      if (p) this.host.delete(p);
    });
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
