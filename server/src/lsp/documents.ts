/**
 * Open documents, and the file host the engine reads through: open (possibly unsaved) documents
 * take precedence over the disk, so pairing and "is the down file empty" see what the user sees.
 */
import { TextDocuments, type Connection } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { OverlayFileHost } from '../engine/host';
import { uriToPath } from './uri';

export class Documents {
  readonly all = new TextDocuments(TextDocument);
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
