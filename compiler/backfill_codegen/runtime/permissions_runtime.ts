/**
 * The outbound HTTP allowlist of this connector (`permissions.http`), and `isAllowed(url)`.
 *
 * A request URL is allowed when some entry has its host, its port (443 when absent) and a path
 * pattern that matches the whole request path: the path percent-decoded once (`%XX` -> byte,
 * the bytes read as UTF-8; a `%` without two hex digits stays), with its `.` and `..` segments
 * removed. `*` in a pattern matches any run of characters, `/` included; everything else is
 * literal. The query and the fragment are ignored.
 *
 * Only what is read exactly as the WHATWG URL parser (`new URL`, what the request is sent with)
 * reads it can be allowed. A URL is refused outright when it does not start with `https://`,
 * has credentials (`user@`), a host that is not ASCII or not spelt as an entry spells it
 * (lowercase aside), an empty or bad port, whitespace, a control character or `\` before its
 * query, an encoded `.`, `/` or `\` (`%2E`, `%2F`, `%5C`, any case) in its path, or a path that
 * does not decode to UTF-8.
 *
 * These are the rules backfill-codegen checks the allowlist with; permissions.py applies the same.
 * No dependencies; runs in Node and in browsers.
 */

/** One normalized entry; `original` is the entry as the manifest wrote it. */
export interface AllowEntry {
  readonly scheme: "https";
  /** Lowercase ASCII: IDNA A-labels, a dotted-quad IPv4, or [IPv6] as WHATWG writes it. */
  readonly host: string;
  readonly port: number;
  /** Percent-decoded once; `*` matches any run of characters. */
  readonly pathPattern: string;
  readonly original: string;
}

// <data>
export const connector = "";
export const allowlist = [] as const satisfies readonly AllowEntry[];
// </data>

const DEFAULT_PORT = 443;
/** Refused before the query: C0 controls and space, `\`, DEL and C1 controls, and what else
 * Python's str.isspace calls whitespace (inclusive ranges, all below U+D800). */
const REFUSED_RANGES: readonly (readonly [number, number])[] = [
  [0x00, 0x20], [0x5c, 0x5c], [0x7f, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a],
  [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000],
];
/** Escapes WHATWG sends as they are: a server that decodes them sees a `.`, `/` or `\` that
 * the path the matcher judged did not have. */
const REFUSED_ESCAPES = ["%2e", "%2f", "%5c"];

/** Whether a request to `url` is allowed by some entry of `allowlist`. */
export function isAllowed(url: string): boolean {
  return isAllowedBy(allowlist, url);
}

/** Whether a request to `url` is allowed by one of `entries`. */
export function isAllowedBy(entries: readonly AllowEntry[], url: string): boolean {
  const request = parseRequest(url);
  if (request === null) {
    return false;
  }
  const [host, port, path] = request;
  return entries.some(
    (entry) => entry.host === host && entry.port === port && globMatch(entry.pathPattern, path),
  );
}

/** [host, port, path] of a request URL, the host lowercased and the path decoded and without
 * dot segments; null when the URL is refused. */
function parseRequest(url: unknown): [string, number, string] | null {
  if (typeof url !== "string" || !isAscii(url.slice(0, 8))) {
    return null;
  }
  if (url.slice(0, 8).toLowerCase() !== "https://") {
    return null;
  }
  let cut = url.length;
  for (const mark of ["?", "#"]) {
    const at = url.indexOf(mark);
    cut = at !== -1 && at < cut ? at : cut;
  }
  const head = url.slice(0, cut);
  for (let index = 0; index < head.length; index++) {
    if (isRefused(head.charCodeAt(index))) {
      return null;
    }
  }
  const slash = head.indexOf("/", 8);
  const end = slash === -1 ? head.length : slash;
  const authority = head.slice(8, end);
  const path = head.slice(end) || "/";
  if (!isAscii(authority) || authority.includes("@")) {
    return null;
  }
  let host = authority;
  let portText: string | null = null;
  if (authority.startsWith("[")) {
    // An IPv6 address: its colons are not the port's.
    const close = authority.indexOf("]") + 1;
    if (close === 0 || !["", ":"].includes(authority.slice(close, close + 1))) {
      return null;
    }
    host = authority.slice(0, close);
    portText = close < authority.length ? authority.slice(close + 1) : null;
  } else if (authority.includes(":")) {
    const colon = authority.indexOf(":");
    host = authority.slice(0, colon);
    portText = authority.slice(colon + 1);
  }
  const port = portText === null ? DEFAULT_PORT : parsePort(portText);
  const lower = path.toLowerCase();
  if (port === null || REFUSED_ESCAPES.some((escape) => lower.includes(escape))) {
    return null;
  }
  const decoded = percentDecode(path);
  return decoded === null ? null : [asciiLower(host), port, removeDotSegments(decoded)];
}

function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) >= 0x80) {
      return false;
    }
  }
  return true;
}

/** Lowercases A-Z only (toLowerCase would also map some non-ASCII characters). */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

function isRefused(code: number): boolean {
  return REFUSED_RANGES.some(([first, last]) => first <= code && code <= last);
}

function parsePort(text: string): number | null {
  if (text === "" || text.length > 5 || !/^[0-9]+$/.test(text)) {
    return null;
  }
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

/** Each `%XX` replaced by its byte, read as UTF-8; a `%` not followed by two hex digits stays
 * as it is. null when the result (or `text`: a lone surrogate) is not UTF-8. */
function percentDecode(text: string): string | null {
  // decodeURIComponent reads `%XX` runs as UTF-8 and rejects what is not well-formed UTF-8;
  // a `%` that starts no escape is made one first, and a lone surrogate is refused here.
  let escaped = "";
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(index + 1);
      if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        return null;
      }
      escaped += text.slice(index, index + 2);
      index += 1;
    } else {
      const isEscape = /^%[0-9a-fA-F]{2}/.test(text.slice(index, index + 3));
      escaped += text.charAt(index) === "%" && !isEscape ? "%25" : text.charAt(index);
    }
  }
  try {
    return decodeURIComponent(escaped);
  } catch {
    return null;
  }
}

/** RFC 3986, section 5.2.4 (what WHATWG does too), for a path that starts with `/`. */
function removeDotSegments(path: string): string {
  const output: string[] = [];
  const segments = path.split("/").slice(1);
  segments.forEach((segment, index) => {
    if (segment === "." || segment === "..") {
      if (segment === "..") {
        output.pop();
      }
      if (index === segments.length - 1) {
        output.push("");
      }
    } else {
      output.push(segment);
    }
  });
  return "/" + output.join("/");
}

/** Whether `text` matches `pattern` in full, `*` matching any run of characters. The literal
 * pieces between stars are found leftmost-first: linear, and exact for `*`-only globs. No
 * regular expression is built from an entry. */
function globMatch(pattern: string, text: string): boolean {
  const pieces = pattern.split("*");
  if (pieces.length === 1) {
    return pattern === text;
  }
  const first = pieces[0] ?? "";
  const last = pieces[pieces.length - 1] ?? "";
  if (first.length + last.length > text.length) {
    return false;
  }
  if (!text.startsWith(first) || !text.endsWith(last)) {
    return false;
  }
  let position = first.length;
  const limit = text.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = text.indexOf(piece, position);
    if (found === -1 || found + piece.length > limit) {
      return false;
    }
    position = found + piece.length;
  }
  return true;
}
