// In-isolate fragment: Headers per the Fetch standard: case-insensitive names, values
// combined with ", " except Set-Cookie, iteration sorted by lower-cased name.

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

class Headers {
  #list = [];
  constructor(init) {
    if (init instanceof Headers) this.#list = init._pairs();
    else if (Array.isArray(init) || (init && typeof init[Symbol.iterator] === "function")) {
      for (const pair of init) {
        const [k, v, extra] = [...pair];
        if (v === undefined || extra !== undefined) throw new TypeError("Headers: each init pair must have exactly two items");
        this.append(k, v);
      }
    } else if (init && typeof init === "object") for (const k of Object.keys(init)) this.append(k, init[k]);
  }
  static #norm(name, value) {
    const n = String(name);
    if (!HEADER_NAME.test(n)) throw new TypeError(`Headers: invalid header name "${n}"`);
    return [n.toLowerCase(), value === undefined ? undefined : String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "")];
  }
  _pairs() { return this.#list.map((e) => [e[0], e[1]]); }
  append(name, value) { this.#list.push(Headers.#norm(name, value)); }
  delete(name) { const [n] = Headers.#norm(name); this.#list = this.#list.filter(([k]) => k !== n); }
  get(name) {
    const [n] = Headers.#norm(name);
    const values = this.#list.filter(([k]) => k === n).map(([, v]) => v);
    return values.length === 0 ? null : values.join(", ");
  }
  getSetCookie() { return this.#list.filter(([k]) => k === "set-cookie").map(([, v]) => v); }
  getAll(name) { const [n] = Headers.#norm(name); return this.#list.filter(([k]) => k === n).map(([, v]) => v); }
  has(name) { const [n] = Headers.#norm(name); return this.#list.some(([k]) => k === n); }
  set(name, value) {
    const [n, v] = Headers.#norm(name, value);
    const i = this.#list.findIndex(([k]) => k === n);
    if (i < 0) { this.#list.push([n, v]); return; }
    this.#list = this.#list.filter(([k], j) => j <= i || k !== n);
    this.#list[i] = [n, v];
  }
  *entries() {
    const names = [...new Set(this.#list.map(([k]) => k))].sort();
    for (const n of names) {
      if (n === "set-cookie") for (const v of this.getSetCookie()) yield [n, v];
      else yield [n, this.get(n)];
    }
  }
  keys() { return (function* (it) { for (const [k] of it) yield k; })(this.entries()); }
  values() { return (function* (it) { for (const [, v] of it) yield v; })(this.entries()); }
  forEach(fn, thisArg) { for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this); }
  [Symbol.iterator]() { return this.entries(); }
}

defineGlobal("Headers", Headers);
