/**
 * Shrinks a failing case to a small reproduction (delta debugging): drops operations, files, lines
 * and characters while the case still fails with the same kind of failure. Each try is a full
 * replay against fresh server processes, so shrinking has a time budget; what it has when the
 * budget runs out is still a reproduction.
 */
import { runCliCase, contentOf, type CliCase, type FileContent } from './cli-run';
import { runServerCase, textOf, type Failure, type ServerCase, type ServerOp, type TextSpec } from './server-run';

export interface ShrinkOptions {
  deadline: number;
  /** The server bundle the failure was found with. */
  server?: string;
  log(message: string): void;
}

/** Classic ddmin: the smallest subsequence (1-minimal, time permitting) for which `fails` holds. */
export async function ddmin<T>(items: readonly T[], fails: (subset: T[]) => Promise<boolean>, deadline: number): Promise<T[]> {
  let current = [...items];
  if (current.length > 0 && Date.now() < deadline && (await fails([]))) return [];
  let n = 2;
  while (current.length >= 2 && Date.now() < deadline) {
    const chunk = Math.ceil(current.length / n);
    let reduced = false;
    for (let i = 0; i < current.length && Date.now() < deadline; i += chunk) {
      const complement = [...current.slice(0, i), ...current.slice(i + chunk)];
      if (await fails(complement)) {
        current = complement;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(current.length, n * 2);
    }
  }
  return current;
}

/** A shorter text for which `fails` holds: whole lines first, then characters (for short texts). */
async function shrinkText(text: string, fails: (t: string) => Promise<boolean>, deadline: number): Promise<string> {
  if (text === '' || Date.now() >= deadline) return text;
  if (await fails('')) return '';
  const lines = text.split(/(?<=\n)/);
  let t = lines.length > 1 ? (await ddmin(lines, (ls) => fails(ls.join('')), deadline)).join('') : text;
  if (t.length <= 400) t = (await ddmin([...t], (cs) => fails(cs.join('')), deadline)).join('');
  return t;
}

export async function shrinkServerCase(c: ServerCase, failure: Failure, opts: ShrinkOptions): Promise<ServerCase> {
  const compare = failure.kind === 'desync';
  let tries = 0;
  const fails = async (candidate: ServerCase): Promise<boolean> => {
    tries++;
    const r = await runServerCase(candidate, { compare, ...(opts.server ? { server: opts.server } : {}) });
    return r.failure?.kind === failure.kind;
  };
  let best: ServerCase = { ...c, ops: failure.step >= 0 ? c.ops.slice(0, failure.step + 1) : c.ops };
  opts.log(`shrinking: ${best.ops.length} operations, ${Object.keys(best.files).length} files`);
  best = { ...best, ops: await ddmin(best.ops, (ops) => fails({ ...best, ops }), opts.deadline) };
  opts.log(`shrinking: ${best.ops.length} operations left after ${tries} replays`);
  const names = await ddmin(Object.keys(best.files), (keep) => fails({ ...best, files: pick(best.files, keep) }), opts.deadline);
  best = { ...best, files: pick(best.files, names) };
  opts.log(`shrinking: ${names.length} files left after ${tries} replays`);

  // Texts: the operations' inserted texts, then the files.
  for (let i = 0; i < best.ops.length && Date.now() < opts.deadline; i++) {
    const op = best.ops[i]!;
    const withText = (edit: (spec: TextSpec) => TextSpec): ServerOp | undefined => {
      if (op.op === 'open' && op.text !== undefined) return { ...op, text: edit(op.text) };
      if (op.op === 'fs' && (op.action === 'create' || op.action === 'write')) return { ...op, text: edit(op.text) };
      return undefined;
    };
    if (op.op === 'edit') {
      for (let k = 0; k < op.changes.length && Date.now() < opts.deadline; k++) {
        const original = textOf(op.changes[k]!.text);
        const replaced = (t: string): ServerCase => {
          const changes = op.changes.map((ch, j) => (j === k ? { ...ch, text: t } : ch));
          return { ...best, ops: best.ops.map((o, j) => (j === i ? { ...op, changes } : o)) };
        };
        const t = await shrinkText(original, (s) => fails(replaced(s)), opts.deadline);
        best = replaced(t);
      }
    } else if (withText((s) => s)) {
      const original = textOf(((op as { text: TextSpec }).text));
      const replaced = (t: string): ServerCase => ({ ...best, ops: best.ops.map((o, j) => (j === i ? withText(() => t)! : o)) });
      const t = await shrinkText(original, (s) => fails(replaced(s)), opts.deadline);
      best = replaced(t);
    }
  }
  for (const name of Object.keys(best.files)) {
    if (Date.now() >= opts.deadline) break;
    const replaced = (t: string): ServerCase => ({ ...best, files: { ...best.files, [name]: t } });
    const t = await shrinkText(textOf(best.files[name]!), (s) => fails(replaced(s)), opts.deadline);
    best = replaced(t);
  }
  opts.log(`shrinking: done after ${tries} replays${Date.now() >= opts.deadline ? ' (time budget used up)' : ''}`);
  return best;
}

export async function shrinkCliCase(c: CliCase, failure: Failure, opts: ShrinkOptions): Promise<CliCase> {
  let tries = 0;
  const fails = async (candidate: CliCase): Promise<boolean> => {
    tries++;
    return (await runCliCase(candidate)).failure?.kind === failure.kind;
  };
  let best = c;
  const keepAlways = c.target && c.command === 'down' ? [c.target] : [];
  const names = await ddmin(
    Object.keys(best.files).filter((n) => !keepAlways.includes(n)),
    (keep) => fails({ ...best, files: pick(best.files, [...keepAlways, ...keep]) }),
    opts.deadline,
  );
  best = { ...best, files: pick(best.files, [...keepAlways, ...names]) };
  opts.log(`shrinking: ${Object.keys(best.files).length} files left after ${tries} replays`);
  for (const name of Object.keys(best.files)) {
    if (Date.now() >= opts.deadline) break;
    const bytes = bytesOfContent(best.files[name]!);
    const replaced = (b: Buffer): CliCase => ({ ...best, files: { ...best.files, [name]: contentOf(b) } });
    // Lines (split after \n, as bytes), then single bytes when short.
    const lines: Buffer[] = [];
    let from = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0x0a) {
        lines.push(bytes.subarray(from, i + 1));
        from = i + 1;
      }
    }
    if (from < bytes.length) lines.push(bytes.subarray(from));
    let kept = Buffer.concat(await ddmin(lines, (ls) => fails(replaced(Buffer.concat(ls))), opts.deadline));
    if (kept.length <= 400) {
      const single = [...kept].map((x) => Buffer.from([x]));
      kept = Buffer.concat(await ddmin(single, (bs) => fails(replaced(Buffer.concat(bs))), opts.deadline));
    }
    best = replaced(kept);
  }
  opts.log(`shrinking: done after ${tries} replays${Date.now() >= opts.deadline ? ' (time budget used up)' : ''}`);
  return best;
}

function bytesOfContent(c: FileContent): Buffer {
  return typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c.base64, 'base64');
}

function pick<V>(record: Record<string, V>, keys: readonly string[]): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of keys) if (k in record) out[k] = record[k]!;
  return out;
}
