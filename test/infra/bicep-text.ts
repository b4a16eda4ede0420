/**
 * Just enough Bicep reading for the infra tests (the Bicep CLI cannot run here): strip comments without
 * touching strings, match brackets, list the top-level entries of an object, the string literals of an
 * array. Strings are single-quoted, `\` escapes, `${…}` interpolations may hold code (and strings) of their
 * own, `'''…'''` is a verbatim multi-line string.
 */

export interface Masked {
  /** The source with comments replaced by spaces (strings kept). */
  noComments: string;
  /** The source with comments and string literals (interpolations included) replaced by spaces. */
  code: string;
}

export function mask(src: string): Masked {
  const noComments = src.split("");
  const code = src.split("");
  const blank = (arr: string[], from: number, to: number) => {
    for (let k = from; k < to; k++) if (arr[k] !== "\n") arr[k] = " ";
  };
  // Modes: code (depth of `{` inside an interpolation, -1 at the top), string.
  type Frame = { kind: "code"; braces: number } | { kind: "string" };
  const stack: Frame[] = [{ kind: "code", braces: -1 }];
  let stringStart = -1;
  let i = 0;
  while (i < src.length) {
    const frame = stack[stack.length - 1] as Frame;
    const c = src[i];
    const next = src[i + 1];
    if (frame.kind === "code") {
      if (c === "'" && src.startsWith("'''", i)) {
        const end = src.indexOf("'''", i + 3);
        const stop = end < 0 ? src.length : end + 3;
        if (stack.length === 1) blank(code, i, stop);
        i = stop;
        continue;
      }
      if (c === "/" && next === "/") {
        const end = src.indexOf("\n", i);
        const stop = end < 0 ? src.length : end;
        blank(noComments, i, stop);
        blank(code, i, stop);
        i = stop;
        continue;
      }
      if (c === "/" && next === "*") {
        const end = src.indexOf("*/", i + 2);
        const stop = end < 0 ? src.length : end + 2;
        blank(noComments, i, stop);
        blank(code, i, stop);
        i = stop;
        continue;
      }
      if (c === "'") {
        if (stack.length === 1) stringStart = i;
        stack.push({ kind: "string" });
        i++;
        continue;
      }
      if (frame.braces >= 0) {
        if (c === "{") frame.braces++;
        else if (c === "}") {
          if (frame.braces === 0) {
            stack.pop();
            i++;
            continue;
          }
          frame.braces--;
        }
      }
      i++;
      continue;
    }
    // string
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === "$" && next === "{") {
      stack.push({ kind: "code", braces: 0 });
      i += 2;
      continue;
    }
    if (c === "'") {
      stack.pop();
      i++;
      if (stack.length === 1) blank(code, stringStart, i);
      continue;
    }
    i++;
  }
  return { noComments: noComments.join(""), code: code.join("") };
}

const OPEN: Record<string, string> = { "{": "}", "[": "]", "(": ")" };

/** [start, end) of the bracketed block opening at or after `from` (the first `{` or `[` in code). */
export function blockAt(m: Masked, from: number): { start: number; end: number } {
  let start = from;
  while (start < m.code.length && m.code[start] !== "{" && m.code[start] !== "[") start++;
  if (start >= m.code.length) throw new Error(`no block after offset ${from}`);
  const stack: string[] = [];
  for (let k = start; k < m.code.length; k++) {
    const c = m.code[k] as string;
    if (c in OPEN) stack.push(OPEN[c] as string);
    else if (c === "}" || c === "]" || c === ")") {
      if (stack.pop() !== c) throw new Error(`unbalanced ${c} at ${k}`);
      if (stack.length === 0) return { start, end: k + 1 };
    }
  }
  throw new Error(`unterminated block at ${start}`);
}

/** The text (comments removed) of the first block after the first match of `re` in the code. */
export function blockAfter(m: Masked, re: RegExp): string {
  const hit = re.exec(m.code);
  if (!hit) throw new Error(`not found: ${re}`);
  const b = blockAt(m, hit.index + hit[0].length);
  return m.noComments.slice(b.start, b.end);
}

/** Top-level `key: value` entries of an object block (`{ … }`), values trimmed (multi-line values joined). */
export function entries(objectText: string): Map<string, string> {
  const m = mask(objectText);
  const lines = m.noComments.split("\n");
  const codeLines = m.code.split("\n");
  const out = new Map<string, string[]>();
  let depth = 0;
  let key: string | undefined;
  for (const [n, line] of lines.entries()) {
    let after = depth;
    for (const c of codeLines[n] ?? "") {
      if (c === "{" || c === "[" || c === "(") after++;
      else if (c === "}" || c === "]" || c === ")") after--;
    }
    const hit = depth === 1 ? /^\s*(?:'([^']+)'|([A-Za-z_][A-Za-z0-9_]*))\s*:(.*)$/.exec(line) : null;
    if (hit) {
      key = hit[1] ?? hit[2] ?? "";
      out.set(key, [hit[3] ?? ""]);
    } else if (key !== undefined && after >= 1) {
      out.get(key)?.push(line);
    }
    depth = after;
  }
  return new Map([...out].map(([k, v]) => [k, v.join(" ").replace(/\s+/g, " ").trim()]));
}

/** Every plain string literal in a piece of Bicep (no interpolations). */
export function stringLiterals(text: string): string[] {
  return [...text.matchAll(/'((?:[^'\\$]|\\.|\$(?!\{))*)'/g)].map((x) => (x[1] ?? "").replace(/\\'/g, "'"));
}

/** The string literals of `var <name> = [ … ]`. */
export function stringArrayVar(m: Masked, name: string): string[] {
  return stringLiterals(blockAfter(m, new RegExp(`^var\\s+${name}\\s*=\\s*`, "m")));
}

export interface Param {
  name: string;
  type: string;
  hasDefault: boolean;
}

export function params(m: Masked): Param[] {
  return [...m.code.matchAll(/^param\s+([A-Za-z_]\w*)\s+([A-Za-z_][\w.]*)(\s*=)?/gm)].map((x) => ({ name: x[1] ?? "", type: x[2] ?? "", hasDefault: x[3] !== undefined }));
}

/** `resource <symbol> '<type>@<version>'` declarations, with the text of their bodies. */
export function resources(m: Masked): { symbol: string; type: string; body: string }[] {
  const out: { symbol: string; type: string; body: string }[] = [];
  for (const x of m.noComments.matchAll(/^resource\s+(\w+)\s+'([^'@]+)@[^']+'(\s+existing)?\s*=\s*/gm)) {
    if (x[3]) continue;
    const b = blockAt(m, (x.index ?? 0) + x[0].length);
    out.push({ symbol: x[1] ?? "", type: x[2] ?? "", body: m.noComments.slice(b.start, b.end) });
  }
  return out;
}
