// Redis glob semantics (`*`, `?`, `[set]`, `[^set]`, `[a-z]`, `\` escapes) for the in-process cache,
// so a SCAN pattern means the same thing whichever cache is configured.

const SPECIAL = /[.*+?^${}()|[\]\\/-]/g;
const escapeChar = (c: string): string => c.replace(SPECIAL, "\\$&");

function classBody(body: string): string {
  let out = "";
  let negate = false;
  let start = 0;
  if (body.startsWith("^")) {
    negate = true;
    start = 1;
  }
  for (let i = start; i < body.length; i++) {
    const c = body[i] as string;
    if (c === "\\" && i + 1 < body.length) out += escapeChar(body[++i] as string);
    else if (c === "-") out += "-";
    else out += escapeChar(c);
  }
  return (negate ? "^" : "") + out;
}

export function globToRegExp(pattern: string): RegExp {
  let out = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\" && i + 1 < pattern.length) {
      out += escapeChar(pattern[++i] as string);
    } else if (c === "*") {
      out += "[\\s\\S]*";
    } else if (c === "?") {
      out += "[\\s\\S]";
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end === -1) {
        out += "\\[";
      } else {
        out += `[${classBody(pattern.slice(i + 1, end))}]`;
        i = end;
      }
    } else {
      out += escapeChar(c);
    }
  }
  return new RegExp(`${out}$`);
}
