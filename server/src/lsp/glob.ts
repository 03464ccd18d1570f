/**
 * The glob subset VS Code settings use (`**`, `*`, `?`, `{a,b}`, `[abc]`), matched against
 * `/`-separated paths. Written here because the server bundle ships no glob library.
 */

const cache = new Map<string, RegExp | null>();

export function globToRegExp(glob: string, caseInsensitive = false): RegExp | undefined {
  const key = `${caseInsensitive ? 'i' : 's'}:${glob}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  let re: RegExp | null;
  try {
    re = new RegExp(`^${translate(glob.replace(/\\/g, '/'))}$`, caseInsensitive ? 'iu' : 'u');
  } catch {
    re = null;
  }
  cache.set(key, re);
  return re ?? undefined;
}

function escape(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function translate(glob: string): string {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**` matches any number of whole segments, including none.
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 >= glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          if (glob[i + 2] === '/') {
            out += '(?:[^/]*/)*';
            i += 2;
          } else {
            out += '.*';
            i += 1;
          }
          continue;
        }
        out += '[^/]*';
        i += 1;
        continue;
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) {
      out += '|';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\').replace(/\//g, '')}]`;
      i = close;
    } else {
      out += escape(c);
    }
  }
  while (braces-- > 0) out += ')';
  return out;
}

/** Whether `filePath` (absolute) matches a glob, relative to one of `roots` or as an absolute path. */
export function matchesGlob(filePath: string, glob: string, roots: readonly string[]): boolean {
  const ci = process.platform === 'win32' || process.platform === 'darwin';
  const re = globToRegExp(glob, ci);
  if (!re) return false;
  const abs = filePath.replace(/\\/g, '/');
  if (re.test(abs) || re.test(abs.replace(/^\/+/, ''))) return true;
  for (const root of roots) {
    const r = root.replace(/\\/g, '/').replace(/\/+$/, '');
    const prefix = `${r}/`;
    const same = ci ? abs.toLowerCase().startsWith(prefix.toLowerCase()) : abs.startsWith(prefix);
    if (same && re.test(abs.slice(prefix.length))) return true;
  }
  return false;
}
