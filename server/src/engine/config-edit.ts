/**
 * Edits of `.migration-guard.json` that quick fixes make ("Disable <rule> for this project", "Set the
 * baseline to the newest migration"): one property set, everything else left exactly as written
 * (the edit touches only the value it sets, or inserts the property after the last one), in the
 * file's own indentation and line breaks. A file that is not a JSON object is not edited: the fix
 * says why instead.
 */
import { CONFIG_FILE_NAME, JsonSyntaxError, parseJson, type JsonProperty, type JsonValue } from './config-file';
import { eolOf, type Span } from './text';

export type ConfigEdit =
  | { ok: true; edits: { span: Span; newText: string }[]; newText: string }
  | { ok: false; reason: string };

type JsonObject = Extract<JsonValue, { kind: 'object' }>;

/** The indentation unit of a JSON text: the first indented line's, else two spaces. */
function indentUnit(text: string): string {
  const m = /\n([ \t]+)["}\]]/.exec(text);
  return m ? m[1]! : '  ';
}

function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** `value` at `path` as JSON text, objects written out one property per line. */
function render(path: readonly string[], value: string, indent: string, unit: string, eol: string): string {
  if (path.length === 0) return JSON.stringify(value);
  const inner = indent + unit;
  return `{${eol}${inner}${JSON.stringify(path[0])}: ${render(path.slice(1), value, inner, unit, eol)}${eol}${indent}}`;
}

/** The last property with a key (JSON.parse keeps the last of duplicate keys). */
function property(obj: JsonObject, key: string): JsonProperty | undefined {
  for (let i = obj.properties.length - 1; i >= 0; i--) if (obj.properties[i]!.key === key) return obj.properties[i];
  return undefined;
}

function apply(text: string, edits: { span: Span; newText: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/**
 * Sets the string property at `path` (`['rules', 'ban-drop-table']`, `['baseline']`) of a config file's
 * text; `text` undefined: the file does not exist yet, and `newText` is the whole new file.
 */
export function setConfigProperty(text: string | undefined, path: readonly string[], value: string): ConfigEdit {
  if (text === undefined || text.trim() === '') {
    const eol = text !== undefined ? eolOf(text) : '\n';
    const newText = `${render(path, value, '', '  ', eol)}${eol}`;
    return { ok: true, edits: [{ span: { start: 0, end: text?.length ?? 0 }, newText }], newText };
  }
  let root: JsonValue;
  try {
    root = parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { ok: false, reason: `${CONFIG_FILE_NAME} is not valid JSON (${e.message}); fix it first` };
    throw e;
  }
  if (root.kind !== 'object') return { ok: false, reason: `${CONFIG_FILE_NAME} is not a JSON object` };
  const eol = eolOf(text);
  const unit = indentUnit(text);
  let obj: JsonObject = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const found = property(obj, key);
    const last = i === path.length - 1;
    if (found && last) {
      if (found.value.kind === 'string' && found.value.value === value) return { ok: true, edits: [], newText: text };
      const edits = [{ span: found.value.span, newText: JSON.stringify(value) }];
      return { ok: true, edits, newText: apply(text, edits) };
    }
    if (found) {
      if (found.value.kind !== 'object') return { ok: false, reason: `"${path.slice(0, i + 1).join('.')}" in ${CONFIG_FILE_NAME} is not an object` };
      obj = found.value;
      continue;
    }
    // Insert `key: <rest>` into this object.
    const objIndent = lineIndent(text, obj.span.start);
    const rest = path.slice(i + 1);
    if (obj.properties.length === 0) {
      const inner = objIndent + unit;
      const newText = `{${eol}${inner}${JSON.stringify(key)}: ${render(rest, value, inner, unit, eol)}${eol}${objIndent}}`;
      const edits = [{ span: obj.span, newText }];
      return { ok: true, edits, newText: apply(text, edits) };
    }
    const lastProp = obj.properties[obj.properties.length - 1]!;
    const sameLine = !text.slice(obj.span.start, lastProp.keySpan.start).includes('\n');
    const propIndent = sameLine ? '' : lineIndent(text, lastProp.keySpan.start);
    const sep = sameLine ? ' ' : `${eol}${propIndent}`;
    const at = lastProp.value.span.end;
    const edits = [{ span: { start: at, end: at }, newText: `,${sep}${JSON.stringify(key)}: ${render(rest, value, sameLine ? objIndent : propIndent, unit, eol)}` }];
    return { ok: true, edits, newText: apply(text, edits) };
  }
  return { ok: false, reason: 'nothing to set' };
}
