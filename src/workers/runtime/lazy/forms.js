// Lazy runtime module: Blob and File (W3C File API), FormData (XHR standard) and the two form
// encodings a body can carry: multipart/form-data (RFC 7578, serialised as the HTML standard's
// "multipart/form-data encoding algorithm") and application/x-www-form-urlencoded. A Blob's
// bytes live in the isolate, so they count toward its memory like any other value.

const { callHostSync, utf8Encode, textDecoder, now, streams, pairIteratorClass, pairIterator } = rt;
const formDataIterator = pairIteratorClass("FormData");

function toBytes(part) {
  if (part instanceof ArrayBuffer) return new Uint8Array(part.slice(0));
  if (ArrayBuffer.isView(part)) return new Uint8Array(part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength));
  return null;
}

function concat(chunks) {
  let total = 0;
  for (const c of chunks) total += c.byteLength;
  return streams.concatBytes(chunks.length === 0 ? [new Uint8Array(0)] : chunks, total);
}

/** The File API's type normalisation: lower case if every character is printable ASCII, else "". */
function normaliseType(type) {
  const t = String(type);
  return /^[\x20-\x7e]*$/.test(t) ? t.toLowerCase() : "";
}

let blobBytes;
let isBlob;

class Blob {
  #bytes;
  #type;
  static {
    blobBytes = (blob) => blob.#bytes;
    isBlob = (value) => value !== null && typeof value === "object" && #bytes in value;
  }
  constructor(blobParts = undefined, options = undefined) {
    const chunks = [];
    if (blobParts !== undefined) {
      if (blobParts === null || typeof blobParts !== "object" || typeof blobParts[Symbol.iterator] !== "function") {
        throw new TypeError("Failed to construct 'Blob': The provided value cannot be converted to a sequence.");
      }
      const native = options !== undefined && options !== null && String(options.endings) === "native";
      for (const part of blobParts) {
        if (isBlob(part)) chunks.push(part.#bytes);
        else {
          const bytes = toBytes(part);
          if (bytes !== null) chunks.push(bytes);
          else {
            // USVString: lone surrogates become U+FFFD (utf8Encode does this); "native" endings are \n here.
            let text = String(part);
            if (native) text = text.replace(/\r\n?/g, "\n");
            chunks.push(utf8Encode(text));
          }
        }
      }
    }
    if (options !== undefined && options !== null && typeof options !== "object") throw new TypeError("Failed to construct 'Blob': The provided value is not of type 'BlobPropertyBag'.");
    if (options?.endings !== undefined && !["transparent", "native"].includes(String(options.endings))) {
      throw new TypeError(`Failed to construct 'Blob': The provided value '${options.endings}' is not a valid enum value of type EndingType.`);
    }
    this.#bytes = concat(chunks);
    this.#type = options?.type === undefined ? "" : normaliseType(options.type);
  }
  static #check(o) {
    if (!isBlob(o)) throw new TypeError("Illegal invocation");
    return o;
  }
  get size() { return Blob.#check(this).#bytes.byteLength; }
  get type() { return Blob.#check(this).#type; }
  slice(start = undefined, end = undefined, contentType = undefined) {
    const size = Blob.#check(this).#bytes.byteLength;
    const clamp = (v, fallback) => {
      if (v === undefined) return fallback;
      const n = Math.trunc(Number(v)) || 0;
      return n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
    };
    const from = clamp(start, 0);
    const to = clamp(end, size);
    const blob = new Blob([], { type: contentType === undefined ? "" : contentType });
    blob.#bytes = this.#bytes.slice(from, Math.max(from, to));
    return blob;
  }
  async arrayBuffer() { return Blob.#check(this).#bytes.slice().buffer; }
  async bytes() { return Blob.#check(this).#bytes.slice(); }
  async text() { return textDecoder.decode(Blob.#check(this).#bytes); }
  stream() {
    let pending = Blob.#check(this).#bytes.slice();
    return streams.internalStream((controller) => {
      if (pending.byteLength > 0) controller.enqueue(pending);
      pending = null;
      controller.close();
    }, () => { pending = null; });
  }
}

let isFile;

class File extends Blob {
  #name;
  #lastModified;
  static { isFile = (value) => value !== null && typeof value === "object" && #name in value; }
  constructor(fileBits, fileName, options = undefined) {
    if (arguments.length < 2) throw new TypeError(`Failed to construct 'File': 2 arguments required, but only ${arguments.length} present.`);
    super(fileBits, options);
    this.#name = String(fileName);
    this.#lastModified = options?.lastModified === undefined ? now() : Math.trunc(Number(options.lastModified)) || 0;
  }
  static #check(o) {
    if (!isFile(o)) throw new TypeError("Illegal invocation");
    return o;
  }
  get name() { return File.#check(this).#name; }
  get lastModified() { return File.#check(this).#lastModified; }
}

/** XHR §5.2 "create an entry": a Blob value becomes a File named `filename` (or its own name, or "blob"). */
function makeEntry(name, value, filename) {
  const n = utf8Normalise(String(name));
  if (!isBlob(value)) return [n, utf8Normalise(String(value))];
  if (!isFile(value) || filename !== undefined) {
    return [n, new File([value], filename !== undefined ? String(filename) : isFile(value) ? value.name : "blob", { type: value.type, lastModified: isFile(value) ? value.lastModified : undefined })];
  }
  return [n, value];
}

/** USVString conversion: lone surrogates become U+FFFD. */
function utf8Normalise(s) {
  return /[\ud800-\udfff]/.test(s) ? textDecoder.decode(utf8Encode(s)) : s;
}

let formEntries;
let isFormData;

class FormData {
  #entries = [];
  static {
    formEntries = (fd) => fd.#entries;
    isFormData = (value) => value !== null && typeof value === "object" && #entries in value;
  }
  constructor(form = undefined) {
    if (form !== undefined) throw new TypeError("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
  }
  static #check(o) {
    if (!isFormData(o)) throw new TypeError("Illegal invocation");
    return o.#entries;
  }
  static #args(method, args, blobOnly) {
    if (args.length < 2) throw new TypeError(`Failed to execute '${method}' on 'FormData': 2 arguments required, but only ${args.length} present.`);
    if (args.length > 2 && !isBlob(args[1])) throw new TypeError(`Failed to execute '${method}' on 'FormData': parameter 2 is not of type 'Blob'.`);
    return blobOnly;
  }
  append(name, value, filename = undefined) {
    const entries = FormData.#check(this);
    FormData.#args("append", arguments, false);
    entries.push(makeEntry(name, value, filename));
  }
  delete(name) {
    FormData.#check(this);
    const n = utf8Normalise(String(name));
    this.#entries = this.#entries.filter(([k]) => k !== n);
  }
  get(name) {
    const n = utf8Normalise(String(name));
    const entry = FormData.#check(this).find(([k]) => k === n);
    return entry === undefined ? null : entry[1];
  }
  getAll(name) {
    const n = utf8Normalise(String(name));
    return FormData.#check(this).filter(([k]) => k === n).map(([, v]) => v);
  }
  has(name) {
    const n = utf8Normalise(String(name));
    return FormData.#check(this).some(([k]) => k === n);
  }
  set(name, value, filename = undefined) {
    FormData.#check(this);
    FormData.#args("set", arguments, false);
    const entry = makeEntry(name, value, filename);
    const i = this.#entries.findIndex(([k]) => k === entry[0]);
    if (i < 0) this.#entries.push(entry);
    else this.#entries = this.#entries.filter(([k], j) => j <= i || k !== entry[0]).map((e, j) => (j === i ? entry : e));
  }
  // Live iteration (WebIDL pair iterator): each step reads the list as it is then.
  #iterate(kind) { return pairIterator(formDataIterator, () => this.#entries, kind); }
  entries() { FormData.#check(this); return this.#iterate(0); }
  keys() { FormData.#check(this); return this.#iterate(1); }
  values() { FormData.#check(this); return this.#iterate(2); }
  forEach(callback, thisArg = undefined) {
    FormData.#check(this);
    if (typeof callback !== "function") throw new TypeError("FormData.forEach: the callback must be a function");
    for (const [k, v] of this.#iterate(0)) callback.call(thisArg, v, k, this);
  }
  [Symbol.iterator]() { return this.entries(); }
}

// --- multipart/form-data ---------------------------------------------------------------------

const CRLF = "\r\n";

/** HTML standard: names and filenames escape LF, CR and '"' as %0A, %0D and %22. */
function escapeName(s) {
  return s.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");
}

function newBoundary() {
  const bytes = new Uint8Array(callHostSync("random", [12]));
  return `----formdata-edgekata-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function serialiseMultipart(entries) {
  const boundary = newBoundary();
  const chunks = [];
  for (const [name, value] of entries) {
    let head = `--${boundary}${CRLF}Content-Disposition: form-data; name="${escapeName(name)}"`;
    if (typeof value === "string") {
      chunks.push(utf8Encode(`${head}${CRLF}${CRLF}${value.replace(/\r(?!\n)|(?<!\r)\n/g, CRLF)}${CRLF}`));
    } else {
      head += `; filename="${escapeName(value.name)}"${CRLF}Content-Type: ${value.type || "application/octet-stream"}${CRLF}${CRLF}`;
      chunks.push(utf8Encode(head), blobBytes(value), utf8Encode(CRLF));
    }
  }
  chunks.push(utf8Encode(`--${boundary}--${CRLF}`));
  return { bytes: concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

const FORM_PARSE_FAILED = "Failed to parse body as FormData.";

/** The parameters of a Content-Type value (RFC 9110 §8.3.1), names lower-cased. */
function mimeParameters(value) {
  const params = new Map();
  const re = /;\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    const v = m[2].startsWith('"') ? m[2].slice(1, -1).replace(/\\(.)/g, "$1") : m[2].trim();
    if (!params.has(m[1].toLowerCase())) params.set(m[1].toLowerCase(), v);
  }
  return params;
}

function essence(type) {
  return type === null ? "" : type.split(";")[0].trim().toLowerCase();
}

function indexOf(bytes, needle, from) {
  const first = needle[0];
  outer: for (let i = bytes.indexOf(first, from); i >= 0 && i <= bytes.length - needle.length; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * A Content-Disposition parameter as the Fetch standard's multipart/form-data parser reads it:
 * a quoted value runs to the next '"' (no backslash escapes), then %0A, %0D and %22 are decoded.
 */
function dispositionParam(header, name) {
  const m = new RegExp(`;\\s*${name}="([^"]*)"`, "i").exec(header) ?? new RegExp(`;\\s*${name}=([^;\\s]*)`, "i").exec(header);
  return m === null ? null : m[1].replace(/%0A/gi, "\n").replace(/%0D/gi, "\r").replace(/%22/gi, '"');
}

function parseMultipart(bytes, boundary) {
  const fd = new FormData();
  const delimiter = utf8Encode(`--${boundary}`);
  let at = indexOf(bytes, delimiter, 0);
  if (at < 0) throw new TypeError(FORM_PARSE_FAILED);
  for (;;) {
    at += delimiter.length;
    if (bytes[at] === 0x2d && bytes[at + 1] === 0x2d) break; // "--": the closing delimiter
    if (bytes[at] !== 0x0d || bytes[at + 1] !== 0x0a) throw new TypeError(FORM_PARSE_FAILED);
    at += 2;
    const headerEnd = indexOf(bytes, utf8Encode(CRLF + CRLF), at);
    if (headerEnd < 0) throw new TypeError(FORM_PARSE_FAILED);
    const headers = textDecoder.decode(bytes.subarray(at, headerEnd)).split(CRLF);
    const next = indexOf(bytes, utf8Encode(CRLF + `--${boundary}`), headerEnd + 4);
    if (next < 0) throw new TypeError(FORM_PARSE_FAILED);
    const body = bytes.subarray(headerEnd + 4, next);
    let disposition = null;
    let type = "";
    for (const line of headers) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      if (key === "content-disposition") disposition = line.slice(colon + 1).trim();
      else if (key === "content-type") type = line.slice(colon + 1).trim();
    }
    if (disposition === null || !/^form-data\b/i.test(disposition)) throw new TypeError(FORM_PARSE_FAILED);
    const name = dispositionParam(disposition, "name");
    if (name === null) throw new TypeError(FORM_PARSE_FAILED);
    const filename = dispositionParam(disposition, "filename");
    if (filename === null) fd.append(name, textDecoder.decode(body));
    else fd.append(name, new File([body], filename, { type }));
    at = next + 2;
  }
  return fd;
}

function checkFormType(type) {
  const kind = essence(type);
  if (kind === "multipart/form-data") {
    if (!mimeParameters(type).has("boundary")) throw new TypeError("A multipart/form-data Content-Type needs a boundary parameter.");
    return;
  }
  if (kind !== "application/x-www-form-urlencoded") {
    throw new TypeError("Unrecognized Content-Type header value. FormData can only parse the following MIME types: multipart/form-data, application/x-www-form-urlencoded");
  }
}

function parseFormData(bytes, type) {
  if (essence(type) === "multipart/form-data") return parseMultipart(bytes, mimeParameters(type).get("boundary"));
  const fd = new FormData();
  for (const [k, v] of new URLSearchParams(textDecoder.decode(bytes))) fd.append(k, v);
  return fd;
}

/** A Blob or FormData body as bytes and their Content-Type; null for anything else. */
function extractBody(init) {
  if (isBlob(init)) return { bytes: blobBytes(init).slice(), type: init.type };
  if (isFormData(init)) return serialiseMultipart(formEntries(init));
  return null;
}

return { Blob, File, FormData, isBlob, isFile, isFormData, blobBytes, extractBody, checkFormType, parseFormData, serialiseMultipart };
