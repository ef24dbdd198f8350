// In-isolate fragment: Headers per the Fetch standard: case-insensitive names, values
// normalised (leading and trailing HTTP whitespace removed) and checked, combined with ", "
// except Set-Cookie, iteration sorted by lower-cased name. A response from Response.error() or
// Response.redirect() has immutable headers.

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Fetch standard, "header value": no NUL, CR or LF once normalised.
const HEADER_VALUE_FORBIDDEN = /[\0\r\n]/;

const headersIterator = pairIteratorClass("Headers");

/** WebIDL ByteString: a string whose every code unit is at most 0xFF. */
function byteString(value) {
  const s = String(value);
  if (/[^\x00-\xff]/.test(s)) throw new TypeError(`Cannot convert "${s}" to a ByteString: it has a character above U+00FF.`);
  return s;
}

// Set in the static block: the pairs of a Headers object, making it immutable, and making one
// from the host's pairs (already valid and lower-cased: the host read them from a Headers).
let headerPairs;
let freezeHeaders;
let headersFromWire;

class Headers {
  #list = [];
  #immutable = false;
  static {
    headerPairs = (h) => h.#list.map((e) => [e[0], e[1]]);
    freezeHeaders = (h) => { h.#immutable = true; };
    headersFromWire = (pairs) => {
      const h = new Headers();
      h.#list = pairs.map((p) => [p[0], p[1]]);
      return h;
    };
  }
  constructor(init = undefined) {
    if (init === undefined) return;
    if (init === null || (typeof init !== "object" && typeof init !== "function")) throw new TypeError("Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
    const iterate = init[Symbol.iterator];
    if (#list in init && iterate === Headers.prototype[Symbol.iterator]) {
      // Another Headers, not tampered with: its list as it is (the same headers as iterating it).
      this.#list = headerPairs(init);
    } else if (iterate !== undefined && iterate !== null) {
      if (typeof iterate !== "function") throw new TypeError("Headers: the init's Symbol.iterator is not a function");
      // WebIDL converts the whole sequence first, then the Fetch standard fills the headers.
      const pairs = [];
      for (const pair of init) {
        if (pair === null || (typeof pair !== "object" && typeof pair !== "function") || typeof pair[Symbol.iterator] !== "function") throw new TypeError("Headers: each init pair must be a sequence");
        const items = [...pair].map(byteString);
        if (items.length !== 2) throw new TypeError("Headers: each init pair must have exactly two items");
        pairs.push(items);
      }
      for (const [k, v] of pairs) this.append(k, v);
    } else {
      // WebIDL record<ByteString, ByteString>: each key converted before its value is read.
      const pairs = [];
      for (const k of Reflect.ownKeys(init)) {
        const d = Reflect.getOwnPropertyDescriptor(init, k);
        if (d === undefined || !d.enumerable) continue;
        if (typeof k === "symbol") throw new TypeError("Headers: a record key cannot be a symbol");
        const key = byteString(k);
        pairs.push([key, byteString(init[k])]);
      }
      for (const [k, v] of pairs) this.append(k, v);
    }
  }
  static #check(o) {
    if (o === null || typeof o !== "object" || !(#list in o)) throw new TypeError("Illegal invocation");
    return o;
  }
  static #name(name) {
    const n = byteString(name);
    if (!HEADER_NAME.test(n)) throw new TypeError(`Invalid header name: "${n}"`);
    return n.toLowerCase();
  }
  static #value(value) {
    const v = byteString(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
    if (HEADER_VALUE_FORBIDDEN.test(v)) throw new TypeError(`Invalid header value: "${v}"`);
    return v;
  }
  #writable() {
    if (this.#immutable) throw new TypeError("Can't modify immutable headers.");
  }
  append(name, value) {
    Headers.#check(this);
    const entry = [Headers.#name(name), Headers.#value(value)];
    this.#writable();
    this.#list.push(entry);
  }
  delete(name) {
    Headers.#check(this);
    const n = Headers.#name(name);
    this.#writable();
    this.#list = this.#list.filter(([k]) => k !== n);
  }
  get(name) {
    Headers.#check(this);
    const n = Headers.#name(name);
    const values = this.#list.filter(([k]) => k === n).map(([, v]) => v);
    return values.length === 0 ? null : values.join(", ");
  }
  getSetCookie() { return Headers.#check(this).#list.filter(([k]) => k === "set-cookie").map(([, v]) => v); }
  getAll(name) {
    Headers.#check(this);
    const n = Headers.#name(name);
    if (n !== "set-cookie") throw new TypeError('getAll() can only be used with the header name "Set-Cookie".');
    return this.getSetCookie();
  }
  has(name) {
    Headers.#check(this);
    const n = Headers.#name(name);
    return this.#list.some(([k]) => k === n);
  }
  set(name, value) {
    Headers.#check(this);
    const n = Headers.#name(name);
    const v = Headers.#value(value);
    this.#writable();
    const i = this.#list.findIndex(([k]) => k === n);
    if (i < 0) {
      this.#list.push([n, v]);
      return;
    }
    this.#list = this.#list.filter(([k], j) => j <= i || k !== n);
    this.#list[i] = [n, v];
  }
  #sorted() {
    const names = [...new Set(this.#list.map(([k]) => k))].sort();
    const out = [];
    for (const n of names) {
      if (n === "set-cookie") for (const v of this.getSetCookie()) out.push([n, v]);
      else out.push([n, this.get(n)]);
    }
    return out;
  }
  // WebIDL pair iterators are live: each step sorts and combines the list as it is then.
  #iterate(kind) { return pairIterator(headersIterator, () => this.#sorted(), kind); }
  entries() { return Headers.#check(this).#iterate(0); }
  keys() { return Headers.#check(this).#iterate(1); }
  values() { return Headers.#check(this).#iterate(2); }
  forEach(fn, thisArg = undefined) {
    Headers.#check(this);
    if (typeof fn !== "function") throw new TypeError("Headers.forEach: the callback must be a function");
    for (const [k, v] of this.#sorted()) fn.call(thisArg, v, k, this);
  }
  [Symbol.iterator]() { return this.entries(); }
}

defineGlobal("Headers", Headers);
