/**
 * Every part of a request, named as the OWASP Core Rule Set (ModSecurity's SecLang) names it:
 * `ARGS` (query, urlencoded body, JSON body flattened to paths, multipart fields), `ARGS_NAMES`,
 * `REQUEST_COOKIES`, `REQUEST_HEADERS`, `REQUEST_FILENAME`, `FILES`, `REQUEST_BODY`, … Both the
 * built-in managed rules and the SecLang engine read requests through this one view.
 *
 * Bodies are parsed from the inspected front of the body only (`WafRequest.body`); a malformed
 * body never throws: it sets `REQBODY_ERROR` (and `MULTIPART_STRICT_ERROR` for multipart) with a
 * message in `REQBODY_ERROR_MSG`, as ModSecurity does, and its raw text stays in `REQUEST_BODY`.
 */
import { urlDecode } from "./normalize.js";
import { splitRawUrl, type WafRequest } from "./request.js";

export interface Entry {
  /** The key within the collection (`id` in `ARGS:id`); the variable's own name for scalars. */
  readonly name: string;
  readonly value: string;
}
export type Collection = readonly Entry[];

// Bounds on what one request can make the WAF hold and scan (edge-kata's choices). Past them
// the rest is not split into arguments and the request is flagged, as ModSecurity flags a body
// over its argument limit.
export const ARGS_COUNT_MAX = 1024;
export const JSON_DEPTH_MAX = 64;
export const MULTIPART_PARTS_MAX = 256;

/** The collections this module computes, by CRS name. */
export const COLLECTION_NAMES = [
  "ARGS", "ARGS_NAMES", "ARGS_GET", "ARGS_GET_NAMES", "ARGS_POST", "ARGS_POST_NAMES", "ARGS_COMBINED_SIZE",
  "REQUEST_COOKIES", "REQUEST_COOKIES_NAMES", "REQUEST_HEADERS", "REQUEST_HEADERS_NAMES",
  "REQUEST_FILENAME", "REQUEST_BASENAME", "REQUEST_URI", "REQUEST_URI_RAW", "REQUEST_LINE",
  "REQUEST_METHOD", "REQUEST_PROTOCOL", "QUERY_STRING", "REQUEST_BODY", "REQUEST_BODY_LENGTH",
  "REQBODY_PROCESSOR", "REQBODY_ERROR", "REQBODY_ERROR_MSG", "REQBODY_TRUNCATED",
  "MULTIPART_STRICT_ERROR", "MULTIPART_UNMATCHED_BOUNDARY",
  "FILES", "FILES_NAMES", "FILES_SIZES", "FILES_COMBINED_SIZE", "REMOTE_ADDR", "FULL_REQUEST_LENGTH",
] as const;
export type CollectionName = (typeof COLLECTION_NAMES)[number];
const KNOWN = new Set<string>(COLLECTION_NAMES);

export function isCollectionName(name: string): name is CollectionName {
  return KNOWN.has(name);
}

interface ParsedBody {
  readonly processor: "" | "URLENCODED" | "JSON" | "MULTIPART";
  readonly args: Entry[];
  readonly files: Entry[];
  readonly fileNames: Entry[];
  readonly fileSizes: Entry[];
  /** The raw body when no structured processor took it (as ModSecurity's `REQUEST_BODY`). */
  readonly raw: string;
  readonly error: string;
  readonly multipartError: boolean;
}

/** Splits `a=1&b=2` into decoded name/value entries (ModSecurity decodes `ARGS` once). */
export function parseUrlencoded(text: string, out: Entry[] = []): Entry[] {
  if (text === "") return out;
  let start = 0;
  while (start <= text.length && out.length < ARGS_COUNT_MAX) {
    let end = text.indexOf("&", start);
    if (end < 0) end = text.length;
    const pair = text.slice(start, end);
    if (pair !== "") {
      const eq = pair.indexOf("=");
      out.push(eq < 0 ? { name: urlDecode(pair), value: "" } : { name: urlDecode(pair.slice(0, eq)), value: urlDecode(pair.slice(eq + 1)) });
    }
    start = end + 1;
  }
  return out;
}

/** `a=1; b=2` into entries; cookie values are not decoded (ModSecurity does not either). */
export function parseCookies(header: string): Entry[] {
  const out: Entry[] = [];
  if (header === "") return out;
  for (const part of header.split(";")) {
    if (out.length >= ARGS_COUNT_MAX) break;
    const c = part.trim();
    if (c === "") continue;
    const eq = c.indexOf("=");
    out.push(eq < 0 ? { name: c, value: "" } : { name: c.slice(0, eq), value: c.slice(eq + 1) });
  }
  return out;
}

/**
 * A JSON document flattened to `json.a.b` / `json.list.0` paths (the names Coraza and
 * ModSecurity v3 give JSON arguments); iterative, so nesting depth cannot exhaust the stack.
 */
export function flattenJson(doc: unknown, out: Entry[] = []): { args: Entry[]; tooDeep: boolean } {
  const stack: { path: string; value: unknown; depth: number }[] = [{ path: "json", value: doc, depth: 0 }];
  let tooDeep = false;
  while (stack.length > 0 && out.length < ARGS_COUNT_MAX) {
    const { path, value, depth } = stack.pop()!;
    if (value !== null && typeof value === "object") {
      if (depth >= JSON_DEPTH_MAX) {
        tooDeep = true;
        continue;
      }
      const keys = Array.isArray(value) ? value.map((_, i) => String(i)) : Object.keys(value);
      const child = value as Record<string, unknown>;
      // Pushed in reverse so entries come out in document order.
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i] as string;
        stack.push({ path: `${path}.${k}`, value: child[k], depth: depth + 1 });
      }
      if (keys.length === 0) out.push({ name: path, value: "" });
    } else out.push({ name: path, value: value === null ? "" : String(value) });
  }
  return { args: out, tooDeep };
}

function headerParam(header: string, param: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${param}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, "i");
  const m = re.exec(header);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** multipart/form-data (RFC 7578): fields to `ARGS_POST`, file parts to `FILES*` (contents not inspected as arguments). */
export function parseMultipart(body: string, contentType: string, truncated: boolean): Omit<ParsedBody, "processor" | "raw"> {
  const args: Entry[] = [];
  const files: Entry[] = [];
  const fileNames: Entry[] = [];
  const fileSizes: Entry[] = [];
  const fail = (error: string): Omit<ParsedBody, "processor" | "raw"> => ({ args, files, fileNames, fileSizes, error, multipartError: true });
  const boundary = headerParam(contentType, "boundary");
  if (boundary === undefined || boundary === "" || boundary.length > 70) return fail("multipart: missing or invalid boundary");
  const delimiter = `--${boundary}`;
  let at = body.indexOf(delimiter);
  if (at < 0) return fail("multipart: no boundary in the body");
  let parts = 0;
  for (;;) {
    at += delimiter.length;
    if (body.startsWith("--", at)) return { args, files, fileNames, fileSizes, error: "", multipartError: false };
    if (++parts > MULTIPART_PARTS_MAX) return fail(`multipart: more than ${MULTIPART_PARTS_MAX} parts`);
    const headEnd = body.indexOf("\r\n\r\n", at);
    if (headEnd < 0) return truncated ? { args, files, fileNames, fileSizes, error: "", multipartError: false } : fail("multipart: part without a header end");
    const head = body.slice(at, headEnd);
    const next = body.indexOf(`\r\n${delimiter}`, headEnd + 4);
    const content = body.slice(headEnd + 4, next < 0 ? body.length : next);
    const disposition = /^content-disposition:(.*)$/im.exec(head)?.[1];
    if (disposition === undefined) return fail("multipart: part without Content-Disposition");
    const name = headerParam(disposition, "name");
    if (name === undefined) return fail("multipart: part without a name");
    const filename = headerParam(disposition, "filename");
    if (filename !== undefined) {
      files.push({ name, value: filename });
      fileNames.push({ name, value: name });
      fileSizes.push({ name, value: String(content.length) });
    } else if (args.length < ARGS_COUNT_MAX) args.push({ name, value: content });
    if (next < 0) return truncated ? { args, files, fileNames, fileSizes, error: "", multipartError: false } : fail("multipart: no closing boundary");
    at = next + 2;
  }
}

function parseBody(request: WafRequest): ParsedBody {
  const body = request.body ?? "";
  const empty = { args: [], files: [], fileNames: [], fileSizes: [], error: "", multipartError: false };
  if (body === "") return { processor: "", raw: "", ...empty };
  const contentType = request.headers["content-type"] ?? "";
  const mime = contentType.split(";")[0]!.trim().toLowerCase();
  const truncated = request.bodyTruncated === true;
  if (mime === "application/x-www-form-urlencoded") return { processor: "URLENCODED", raw: body, ...empty, args: parseUrlencoded(body) };
  if (mime === "multipart/form-data") return { processor: "MULTIPART", raw: "", ...parseMultipart(body, contentType, truncated) };
  if (mime === "application/json" || mime.endsWith("+json")) {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (error) {
      // A truncated document cannot parse: inspect its text instead of calling it malformed.
      return { processor: "JSON", raw: body, ...empty, error: truncated ? "" : `JSON parsing error: ${(error as Error).message}` };
    }
    const { args, tooDeep } = flattenJson(doc);
    return { processor: "JSON", raw: "", ...empty, args, error: tooDeep ? `JSON nesting deeper than ${JSON_DEPTH_MAX}` : "" };
  }
  // No structured processor: the raw text is what rules see (ModSecurity's forceRequestBodyVariable).
  return { processor: "", raw: body, ...empty };
}

const names = (c: Collection): Entry[] => c.map((e) => ({ name: e.name, value: e.name }));
const scalar = (name: string, value: string): Collection => [{ name, value }];

/** The CRS collections of one request, each computed on first use. */
export class RequestCollections {
  readonly request: WafRequest;
  readonly #cache = new Map<CollectionName, Collection>();
  #body: ParsedBody | undefined;
  #url: ReturnType<typeof splitRawUrl> | undefined;

  constructor(request: WafRequest) {
    this.request = request;
  }

  get(name: CollectionName): Collection {
    let c = this.#cache.get(name);
    if (c === undefined) {
      c = this.#compute(name);
      this.#cache.set(name, c);
    }
    return c;
  }

  /** The parsed body: which processor took it and what it found. */
  get body(): ParsedBody {
    return (this.#body ??= parseBody(this.request));
  }

  get url(): ReturnType<typeof splitRawUrl> {
    return (this.#url ??= splitRawUrl(this.request.url));
  }

  /**
   * The headers as they were on the wire. A WHATWG `Request` hides two that HTTP/1.1 always
   * has: `Host` (from the URL) and, for a body of known size, `Content-Length`.
   */
  #headers(): Entry[] {
    const r = this.request;
    const out = Object.entries(r.headers).map(([n, value]) => ({ name: n, value }));
    if (r.headers["host"] === undefined && this.url.host !== "") out.push({ name: "host", value: this.url.host });
    if (r.body !== undefined && r.body !== "" && r.headers["content-length"] === undefined && r.headers["transfer-encoding"] === undefined && r.bodyTruncated !== true) {
      out.push({ name: "content-length", value: String(Buffer.byteLength(r.body)) });
    }
    return out;
  }

  #compute(name: CollectionName): Collection {
    const r = this.request;
    switch (name) {
      case "ARGS_GET":
        return parseUrlencoded(this.url.query);
      case "ARGS_POST":
        return this.body.args;
      case "ARGS":
        return this.get("ARGS_GET").concat(this.get("ARGS_POST"));
      case "ARGS_NAMES":
        return names(this.get("ARGS"));
      case "ARGS_GET_NAMES":
        return names(this.get("ARGS_GET"));
      case "ARGS_POST_NAMES":
        return names(this.get("ARGS_POST"));
      case "ARGS_COMBINED_SIZE":
        return scalar(name, String(this.get("ARGS").reduce((n, e) => n + e.name.length + e.value.length, 0)));
      case "REQUEST_COOKIES":
        return parseCookies(r.headers["cookie"] ?? "");
      case "REQUEST_COOKIES_NAMES":
        return names(this.get("REQUEST_COOKIES"));
      case "REQUEST_HEADERS":
        return this.#headers();
      case "REQUEST_HEADERS_NAMES":
        return this.#headers().map((e) => ({ name: e.name, value: e.name }));
      case "REQUEST_FILENAME":
        return scalar(name, this.url.path);
      case "REQUEST_BASENAME":
        return scalar(name, this.url.path.slice(this.url.path.lastIndexOf("/") + 1));
      case "REQUEST_URI":
      case "REQUEST_URI_RAW":
        // The edge sees origin-form targets only, so the raw URI has no scheme or host either.
        return scalar(name, this.url.query === "" && !r.url.includes("?") ? this.url.path : `${this.url.path}?${this.url.query}`);
      case "REQUEST_LINE":
        return scalar(name, `${r.method} ${this.get("REQUEST_URI")[0]!.value} ${r.protocol ?? "HTTP/1.1"}`);
      case "REQUEST_METHOD":
        return scalar(name, r.method);
      case "REQUEST_PROTOCOL":
        return scalar(name, r.protocol ?? "HTTP/1.1");
      case "QUERY_STRING":
        return scalar(name, this.url.query);
      case "REQUEST_BODY":
        return this.body.raw === "" ? [] : scalar(name, this.body.raw);
      case "REQUEST_BODY_LENGTH":
        return scalar(name, String(r.body?.length ?? 0));
      case "REQBODY_PROCESSOR":
        return scalar(name, this.body.processor);
      case "REQBODY_ERROR":
        return scalar(name, this.body.error === "" ? "0" : "1");
      case "REQBODY_ERROR_MSG":
        return scalar(name, this.body.error);
      case "REQBODY_TRUNCATED":
        return scalar(name, r.bodyTruncated === true ? "1" : "0");
      case "MULTIPART_STRICT_ERROR":
      case "MULTIPART_UNMATCHED_BOUNDARY":
        return scalar(name, this.body.multipartError ? "1" : "0");
      case "FILES":
        return this.body.files;
      case "FILES_NAMES":
        return this.body.fileNames;
      case "FILES_SIZES":
        return this.body.fileSizes;
      case "FILES_COMBINED_SIZE":
        return scalar(name, String(this.body.fileSizes.reduce((n, e) => n + Number(e.value), 0)));
      case "REMOTE_ADDR":
        return scalar(name, r.clientIp);
      case "FULL_REQUEST_LENGTH":
        return scalar(name, String(this.get("REQUEST_LINE")[0]!.value.length + Object.entries(r.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0) + (r.body?.length ?? 0)));
    }
  }
}
