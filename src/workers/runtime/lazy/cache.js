// Lazy runtime module: the Cache API (`caches.default`, `caches.open(name)`). Every call goes to
// the host (cache-bridge.ts), where the PoP's own RFC 9111 cache answers with Cloudflare's Cache
// API rules: this side only turns Requests and Responses into plain copies and back.

const { callHost, isRequest, isResponse, headerPairs } = rt;

const INTERNAL = Symbol("internal");

function requestWire(input) {
  const request = isRequest(input) ? input : new Request(input);
  return { method: request.method, url: request.url, headers: headerPairs(request.headers) };
}

function optionsWire(options) {
  return options !== undefined && options !== null && options.ignoreMethod === true ? { ignoreMethod: true } : null;
}

class Cache {
  #name;
  constructor(key = undefined, name = null) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#name = name;
  }

  /** The stored response for `request`, or undefined (a miss, a stale entry, a non-GET request). */
  async match(request, options = undefined) {
    const wire = await callHost("cache", ["match", this.#name, requestWire(request), optionsWire(options)]);
    return wire === null ? undefined : new Response(wire.body, { status: wire.status, headers: wire.headers });
  }

  /** Stores `response` for `request` if Cloudflare's rules let it; reads its body to the end. */
  async put(request, response) {
    const key = requestWire(request);
    if (!isResponse(response)) throw new TypeError("Failed to execute 'put' on 'Cache': parameter 2 is not of type 'Response'.");
    const body = response.body === null ? null : await response.arrayBuffer();
    await callHost("cache", ["put", this.#name, key, { status: response.status, headers: headerPairs(response.headers), body }]);
  }

  /** True if an entry for `request` was removed. */
  async delete(request, options = undefined) {
    return callHost("cache", ["delete", this.#name, requestWire(request), optionsWire(options)]);
  }
}

class CacheStorage {
  #default = null;
  constructor(key = undefined) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
  }

  /** The zone's cache at this PoP: what `fetch()` through the PoP reads and fills. */
  get default() {
    this.#default ??= new Cache(INTERNAL, null);
    return this.#default;
  }

  /** A cache of its own under `cacheName`, at this PoP. */
  async open(cacheName) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'open' on 'CacheStorage': 1 argument required, but only 0 present.");
    return new Cache(INTERNAL, String(cacheName));
  }
}

const caches = new CacheStorage(INTERNAL);

return { caches, Cache, CacheStorage };
