// A reader for the small YAML subset docker-compose.yml is kept to: block
// mappings, block sequences of scalars, plain / 'single' / "double" quoted
// scalars, comments. Anything else (flow collections, anchors, multi-line
// scalars, tabs) is an error rather than a guess. Scalars stay strings;
// an empty value (`key:`) is null.
export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  no: number;
  indent: number;
  text: string;
}

class YamlError extends Error {
  constructor(line: Line | undefined, msg: string) {
    super(`yaml${line !== undefined ? ` line ${line.no}` : ''}: ${msg}`);
  }
}

function isSeqItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** Parses a scalar; `rest` may end in a ` # comment`. */
function scalar(rest: string, line: Line): string {
  const s = rest.trim();
  const q = s[0];
  if (q === "'" || q === '"') {
    let out = '';
    let i = 1;
    for (;;) {
      if (i >= s.length) throw new YamlError(line, 'unterminated quoted scalar');
      const c = s[i] as string;
      if (q === "'" && c === "'") {
        if (s[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        break;
      }
      if (q === '"' && c === '"') break;
      if (q === '"' && c === '\\') {
        const e = s[i + 1];
        const map: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', t: '\t', '/': '/' };
        if (e === undefined || map[e] === undefined) throw new YamlError(line, `unsupported escape \\${e ?? ''}`);
        out += map[e];
        i += 2;
        continue;
      }
      out += c;
      i++;
    }
    const after = s.slice(i + 1);
    if (after.trim() !== '' && !/^\s+#/.test(after)) throw new YamlError(line, `text after quoted scalar: ${after}`);
    return out;
  }
  const plain = s.replace(/\s+#.*$/, '');
  if (/^[[\]{}&*!|>%@`]/.test(plain)) throw new YamlError(line, `unsupported syntax: ${plain}`);
  if (/:\s|:$/.test(plain)) throw new YamlError(line, `nested mapping in a scalar position: ${plain}`);
  return plain;
}

export function parseYaml(src: string): YamlValue {
  const lines: Line[] = [];
  src.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*(#.*)?$/.test(raw)) return;
    const lead = /^[ \t]*/.exec(raw)?.[0] ?? '';
    if (lead.includes('\t')) throw new YamlError({ no: i + 1, indent: 0, text: raw }, 'tab in indentation');
    if (raw.trim() === '---' || raw.trim() === '...') throw new YamlError({ no: i + 1, indent: 0, text: raw }, 'document markers are not supported');
    lines.push({ no: i + 1, indent: lead.length, text: raw.trim() });
  });
  let pos = 0;

  const block = (indent: number): YamlValue => {
    const first = lines[pos];
    if (first === undefined) return null;
    return isSeqItem(first.text) ? seq(indent) : map(indent);
  };

  const seq = (indent: number): YamlValue[] => {
    const out: YamlValue[] = [];
    for (let l = lines[pos]; l !== undefined && l.indent === indent && isSeqItem(l.text); l = lines[pos]) {
      if (l.text === '-') throw new YamlError(l, 'nested blocks in a sequence are not supported');
      out.push(scalar(l.text.slice(2), l));
      pos++;
    }
    const next = lines[pos];
    if (next !== undefined && next.indent > indent) throw new YamlError(next, 'unexpected indentation');
    return out;
  };

  const map = (indent: number): { [key: string]: YamlValue } => {
    const out: { [key: string]: YamlValue } = {};
    for (let l = lines[pos]; l !== undefined && l.indent === indent; l = lines[pos]) {
      if (isSeqItem(l.text)) throw new YamlError(l, 'sequence item where a mapping key was expected');
      const m = /^([A-Za-z0-9_.\/-]+|"[^"]*"|'[^']*'):(?:\s+(.*))?$/.exec(l.text);
      if (m === null) throw new YamlError(l, `expected "key:" or "key: value", got ${l.text}`);
      const rawKey = m[1] as string;
      const key = rawKey.startsWith('"') || rawKey.startsWith("'") ? rawKey.slice(1, -1) : rawKey;
      if (Object.prototype.hasOwnProperty.call(out, key)) throw new YamlError(l, `duplicate key ${key}`);
      pos++;
      const rest = m[2];
      if (rest !== undefined && rest.trim() !== '' && !rest.trim().startsWith('#')) {
        out[key] = scalar(rest, l);
      } else {
        const next = lines[pos];
        out[key] = next !== undefined && next.indent > indent ? block(next.indent) : null;
      }
    }
    const next = lines[pos];
    if (next !== undefined && next.indent > indent) throw new YamlError(next, 'unexpected indentation');
    return out;
  };

  const root = block(0);
  if (pos !== lines.length) throw new YamlError(lines[pos], 'unexpected dedent at top level');
  return root;
}
