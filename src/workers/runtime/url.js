// In-isolate fragment: URL parsing is delegated to the host's WHATWG URL parser; only
// strings cross the boundary. URLSearchParams is small enough to live here.

const URL_PARTS = ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"];

function formEncode(s) {
  // application/x-www-form-urlencoded: encodeURIComponent leaves !'()~ alone; the form set does not.
  return encodeURIComponent(s).replace(/[!'()~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase()).replace(/%20/g, "+");
}
function formDecode(s) {
  const plus = s.replace(/\+/g, " ");
  try { return decodeURIComponent(plus); } catch { return plus.replace(/%([0-9a-fA-F]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))); }
}

const searchParamsIterator = pairIteratorClass("URLSearchParams");

class URLSearchParams {
  #list = [];
  #url = null;
  constructor(init = "") {
    if (typeof init === "string") this.#parse(init);
    else if (init instanceof URLSearchParams) this.#list = [...init];
    else if (init && typeof init[Symbol.iterator] === "function") for (const [k, v] of init) this.#list.push([String(k), String(v)]);
    else if (init && typeof init === "object") for (const k of Object.keys(init)) this.#list.push([k, String(init[k])]);
  }
  static _attach(params, url) { params.#url = url; }
  static _reparse(params, search) { params.#list = []; params.#parse(search); }
  #parse(s) {
    for (const part of s.replace(/^\?/, "").split("&")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      this.#list.push(eq < 0 ? [formDecode(part), ""] : [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))]);
    }
  }
  #update() { if (this.#url) this.#url._setSearchFromParams(this.toString()); }
  get size() { return this.#list.length; }
  append(k, v) { this.#list.push([String(k), String(v)]); this.#update(); }
  delete(k, v) { this.#list = this.#list.filter(([a, b]) => a !== String(k) || (v !== undefined && b !== String(v))); this.#update(); }
  get(k) { const e = this.#list.find(([a]) => a === String(k)); return e ? e[1] : null; }
  getAll(k) { return this.#list.filter(([a]) => a === String(k)).map(([, b]) => b); }
  has(k, v) { return this.#list.some(([a, b]) => a === String(k) && (v === undefined || b === String(v))); }
  set(k, v) {
    const i = this.#list.findIndex(([a]) => a === String(k));
    if (i < 0) this.#list.push([String(k), String(v)]);
    else this.#list = this.#list.filter(([a], j) => j <= i || a !== String(k)).map((e, j) => (j === i ? [e[0], String(v)] : e));
    this.#update();
  }
  sort() { this.#list = this.#list.map((e, i) => [e, i]).sort((x, y) => (x[0][0] < y[0][0] ? -1 : x[0][0] > y[0][0] ? 1 : x[1] - y[1])).map(([e]) => e); this.#update(); }
  forEach(fn, thisArg) { for (const [k, v] of this.#list) fn.call(thisArg, v, k, this); }
  keys() { return pairIterator(searchParamsIterator, () => this.#list, 1); }
  values() { return pairIterator(searchParamsIterator, () => this.#list, 2); }
  entries() { return pairIterator(searchParamsIterator, () => this.#list, 0); }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return this.#list.map(([k, v]) => formEncode(k) + "=" + formEncode(v)).join("&"); }
}

class URL {
  #parts;
  #params;
  constructor(input, base) {
    const parts = callHostSync("url.parse", [String(input), base === undefined ? null : String(base)]);
    if (parts === null) throw new TypeError(`Invalid URL: ${String(input)}`);
    this.#parts = parts;
    this.#params = new URLSearchParams(parts.search);
    URLSearchParams._attach(this.#params, this);
  }
  static canParse(input, base = undefined) { return callHostSync("url.parse", [String(input), base === undefined ? null : String(base)]) !== null; }
  /** The URL, or null where the constructor would throw (WHATWG URL, `URL.parse`). */
  static parse(input, base = undefined) {
    return URL.canParse(input, base) ? new URL(input, base) : null;
  }
  // Workers has no object URLs (no blob: scheme to fetch them from): workerd refuses these too.
  static createObjectURL() { throw new TypeError("URL.createObjectURL() is not implemented in Workers."); }
  static revokeObjectURL() { throw new TypeError("URL.revokeObjectURL() is not implemented in Workers."); }
  static _read(url, part) { return url.#parts[part]; }
  static _write(url, part, value, fromParams) {
    const parts = callHostSync("url.set", [url.#parts.href, part, String(value)]);
    url.#parts = parts;
    if (!fromParams) URLSearchParams._reparse(url.#params, parts.search);
  }
  get searchParams() { return this.#params; }
  _setSearchFromParams(query) { URL._write(this, "search", query, true); }
  toString() { return this.#parts.href; }
  toJSON() { return this.#parts.href; }
}
for (const part of URL_PARTS) {
  Object.defineProperty(URL.prototype, part, {
    get() { return URL._read(this, part); },
    set: part === "origin" ? undefined : function (v) { URL._write(this, part, v, false); },
    enumerable: true, configurable: true,
  });
}

defineGlobal("URL", URL);
defineGlobal("URLSearchParams", URLSearchParams);
