// In-isolate fragment: `env` bindings. Each method forwards to the host binding by name;
// the host owns the real KV namespace and Durable Object namespace.

function makeKvNamespace(binding) {
  const kv = (op, args) => callHost("kv", [binding, op, args]);
  // Reads are first offered to the host synchronously: a namespace whose reads never wait
  // answers at once, so the handler continues without a thread hop (in the host's turn, after
  // the code already queued there: see `deferIo`); otherwise the ordinary async call is made.
  // Either way the caller gets a promise, and time moves as after any I/O. A validation error
  // rejects the promise, as the async path would.
  const read = (op, args) => {
    const r = hostSyncCb("kv.now", [binding, op, args]);
    if (r.e !== undefined) return Promise.reject(rebuildError(r.e));
    if (r.v === null) return kv(op, args);
    frozenNowMs = r.t;
    if (!syncTurn) return Promise.resolve(r.v.value);
    return new Promise((resolve) => deferIo(() => resolve(r.v.value)));
  };
  // A stream value (a body, say) is read here and stored as its bytes.
  const valueToWire = async (value) => (typeof value === "string" ? value : isStream(value) ? bytesToBuffer(await readAllBytes(value)) : toArrayBuffer(value));
  return Object.freeze({
    get: (key, options) => read("get", [String(key), options ?? null]),
    getWithMetadata: (key, options) => read("getWithMetadata", [String(key), options ?? null]),
    put: async (key, value, options) => kv("put", [String(key), await valueToWire(value), options ?? null]),
    delete: (key) => kv("delete", [String(key)]),
    list: (options) => kv("list", [options ?? null]),
  });
}

class DurableObjectId {
  #hex; #name;
  constructor(wire) { this.#hex = wire.hex; this.#name = wire.name ?? undefined; }
  get name() { return this.#name; }
  toString() { return this.#hex; }
  equals(other) { return other instanceof DurableObjectId && other.toString() === this.#hex; }
}

function makeDurableObjectNamespace(binding) {
  const id = (kind, value) => new DurableObjectId(callHostSync("do.id", [binding, kind, value]));
  const stubFor = (doId) => {
    const hex = doId.toString();
    const target = {
      id: doId,
      name: doId.name,
      fetch: async (input, init) => {
        const request = isRequest(input) && init === undefined ? input : new Request(input, init);
        return responseFromWire(await callHost("do.fetch", [binding, hex, await requestToWire(request)]));
      },
    };
    // Unknown properties become RPC calls, as with Cloudflare's stubs; arguments are copied.
    return new Proxy(target, {
      get: (t, prop) => (prop in t || typeof prop === "symbol" || prop === "then" ? t[prop] : (...args) => callHost("do.call", [binding, hex, prop, args])),
    });
  };
  return Object.freeze({
    idFromName: (name) => id("name", String(name)),
    newUniqueId: (options) => id("unique", options && options.jurisdiction ? String(options.jurisdiction) : null),
    idFromString: (hex) => id("string", String(hex)),
    get: (doId) => stubFor(doId),
    getByName: (name) => stubFor(id("name", String(name))),
  });
}

function makeEnv(spec) {
  const env = {};
  for (const [k, v] of Object.entries(spec.vars)) env[k] = v;
  for (const name of spec.kv) env[name] = makeKvNamespace(name);
  for (const name of spec.durableObjects) env[name] = makeDurableObjectNamespace(name);
  return Object.freeze(env);
}

function makeStorage(instance) {
  const call = (op, ...args) => callHost("do.storage", [instance, op, args]);
  const storage = {
    get: (keys) => call("get", keys),
    put: (keyOrEntries, value) => (typeof keyOrEntries === "string" ? call("put", keyOrEntries, value) : call("put", keyOrEntries)),
    delete: (keys) => call("delete", keys),
    list: (options) => call("list", options ?? {}),
    deleteAll: () => call("deleteAll"),
    getAlarm: () => call("getAlarm"),
    setAlarm: (time) => call("setAlarm", time instanceof Date ? time.getTime() : Number(time)),
    deleteAlarm: () => call("deleteAlarm"),
    // The host serialises each storage call; a closure cannot cross the isolate boundary, so
    // the transaction runs against the same storage without an isolated snapshot.
    transaction: async (fn) => fn(storage),
    // A key-value-backed class (new_classes) has no SQL: Cloudflare's getter throws this
    // (the host's SQL_NOT_ENABLED_MESSAGE; a test keeps the two equal).
    get sql() {
      throw new Error("SQL is not enabled for this Durable Object class. To enable it, change new_classes to new_sqlite_classes");
    },
  };
  return Object.freeze(storage);
}

// ---- SQLite-backed Durable Objects (new_sqlite_classes) -------------------------------
// Every call is synchronous on the host (the object's own SQLite database). Writes made with no
// await between them share one transaction: the first call of a turn queues a microtask that
// commits it, as Cloudflare commits at the object's next await.
class SqlStorageCursor {
  #rows; #next = 0;
  constructor(result) {
    this.columnNames = result.columnNames;
    this.rowsWritten = result.rowsWritten;
    this.#rows = result.rows;
  }
  get rowsRead() { return this.#next; }
  #take() { return this.#next < this.#rows.length ? this.#rows[this.#next++] : undefined; }
  #object(row) {
    const o = {};
    this.columnNames.forEach((name, i) => Object.defineProperty(o, name, { value: row[i], enumerable: true, writable: true, configurable: true }));
    return o;
  }
  next() { const row = this.#take(); return row === undefined ? { done: true, value: undefined } : { done: false, value: this.#object(row) }; }
  [Symbol.iterator]() { return this; }
  toArray() { const out = []; for (let r = this.#take(); r !== undefined; r = this.#take()) out.push(this.#object(r)); return out; }
  one() {
    const row = this.#take();
    if (row === undefined) throw new Error("Expected exactly one result from SQL query, but got no results.");
    if (this.#next < this.#rows.length) throw new Error("Expected exactly one result from SQL query, but got additional results.");
    return this.#object(row);
  }
  raw() {
    const it = {
      next: () => { const row = this.#take(); return row === undefined ? { done: true, value: undefined } : { done: false, value: row }; },
      toArray: () => { const out = []; for (let r = this.#take(); r !== undefined; r = this.#take()) out.push(r); return out; },
      [Symbol.iterator]() { return it; },
    };
    return it;
  }
}

function makeSqliteStorage(instance) {
  let commitQueued = false;
  const sync = (op, args) => {
    const value = callHostSync("do.sql", [instance, op, args]);
    if (!commitQueued) {
      commitQueued = true;
      Promise.resolve().then(() => { commitQueued = false; callHostSync("do.sql", [instance, "commit", []]); });
    }
    return value;
  };
  const later = (fn) => { try { return Promise.resolve(fn()); } catch (e) { return Promise.reject(e); } };
  const bind = (v) => (ArrayBuffer.isView(v) ? toArrayBuffer(v) : v);
  const sql = Object.freeze({
    exec: (query, ...bindings) => new SqlStorageCursor(sync("exec", [query, bindings.map(bind)])),
    get databaseSize() { return sync("databaseSize", []); },
  });
  const kv = Object.freeze({
    get: (key) => sync("kv.get", [key]),
    put: (key, value) => void sync("kv.put", [key, value]),
    delete: (key) => sync("kv.delete", [key]),
    list: (options) => sync("kv.list", [options ?? {}]),
  });
  const legacy = makeStorage(instance);
  const storage = {
    sql,
    kv,
    get: (keys) => later(() => (Array.isArray(keys) ? new Map(sync("kv.getMany", [keys])) : sync("kv.get", [keys]))),
    put: (keyOrEntries, value) => later(() => void sync("kv.putMany", [typeof keyOrEntries === "string" ? [[keyOrEntries, value]] : Object.entries(keyOrEntries)])),
    delete: (keys) => later(() => (Array.isArray(keys) ? sync("kv.deleteMany", [keys]) : sync("kv.delete", [keys]))),
    list: (options) => later(() => new Map(sync("kv.list", [options ?? {}]))),
    deleteAll: () => later(() => void sync("deleteAll", [])),
    transactionSync: (fn) => {
      sync("hold", []);
      let ok = false;
      try {
        const result = fn();
        if (result && typeof result.then === "function") throw new TypeError("transactionSync() callback must not return a Promise; use transaction() for async code");
        ok = true;
        return result;
      } finally {
        callHostSync("do.sql", [instance, "release", [ok]]);
      }
    },
    transaction: async (fn) => {
      sync("hold", []);
      let ok = false;
      try {
        let rolledBack = false;
        const result = await fn(Object.assign(Object.create(storage), { rollback: () => { rolledBack = true; } }));
        ok = !rolledBack;
        return result;
      } finally {
        callHostSync("do.sql", [instance, "release", [ok]]);
      }
    },
    sync: () => later(() => void callHostSync("do.sql", [instance, "commit", []])),
    getAlarm: legacy.getAlarm,
    setAlarm: legacy.setAlarm,
    deleteAlarm: legacy.deleteAlarm,
    getCurrentBookmark: () => later(() => sync("getCurrentBookmark", [])),
    getBookmarkForTime: (t) => later(() => sync("getBookmarkForTime", [t instanceof Date ? t.getTime() : Number(t)])),
    onNextSessionRestoreBookmark: (b) => later(() => sync("onNextSessionRestoreBookmark", [String(b)])),
  };
  return Object.freeze(storage);
}

function makeState(instance, idWire) {
  // The hibernation API loads the WebSocket module on first use only.
  let room = null;
  const sockets = () => (room ??= lazyModule("websocket").webSocketRoom(() => durableObjects.get(instance)));
  return Object.freeze({
    acceptWebSocket: (ws, tags) => sockets().acceptWebSocket(ws, tags),
    getWebSockets: (tag) => sockets().getWebSockets(tag),
    getTags: (ws) => sockets().getTags(ws),
    setWebSocketAutoResponse: (pair) => sockets().setWebSocketAutoResponse(pair),
    getWebSocketAutoResponse: () => sockets().getWebSocketAutoResponse(),
    getWebSocketAutoResponseTimestamp: (ws) => sockets().getWebSocketAutoResponseTimestamp(ws),
    setHibernatableWebSocketEventTimeout: (ms) => sockets().setHibernatableWebSocketEventTimeout(ms),
    getHibernatableWebSocketEventTimeout: () => sockets().getHibernatableWebSocketEventTimeout(),
    id: new DurableObjectId(idWire),
    storage: idWire.sqlite ? makeSqliteStorage(instance) : makeStorage(instance),
    blockConcurrencyWhile: async (fn) => fn(),
    waitUntil: (promise) => { Promise.resolve(promise).catch(() => {}); },
    abort: (reason) => { callHostSync("do.sql", [instance, "abort", [reason === undefined ? null : String(reason)]]); },
  });
}
// ---- end of SQLite-backed Durable Objects ---------------------------------------------

// `import { DurableObject } from "cloudflare:workers"` resolves to these.
class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
class WorkerEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }

// The synthetic `cloudflare:workers` module reads these two classes from this symbol.
Object.defineProperty(globalThis, Symbol.for("edge-kata.cloudflare:workers"), { value: Object.freeze({ DurableObject, WorkerEntrypoint }) });
