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
import { TextDocument } from 'vscode-languageserver-textdocument';
import { OverlayFileHost } from '../engine/host';
import { Workspace } from '../engine/project/workspace';
import { uriToPath } from './uri';

export class Documents {
  readonly all = new TextDocuments(TextDocument);
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

  /** A document was closed: the disk's text counts again (or, unsaved, the file is gone). */
  closed(filePath: string): void {
    this.host.delete(filePath);
    this.workspace.changed(filePath);
    if (!fs.existsSync(filePath)) this.workspace.listingChanged(path.dirname(filePath));
  }

  /** Files changed on disk (the client's file watcher): the workspace hears which; it re-reads nothing else. */
  filesChanged(changes: readonly { path: string; kind: 'created' | 'changed' | 'deleted' }[]): void {
    for (const c of changes) {
      if (c.kind !== 'changed') this.workspace.listingChanged(path.dirname(c.path));
      this.workspace.changed(c.path);
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
