// Lazy runtime module: HTMLRewriter. The parser is lol-html on the host (html-rewriter-host.ts);
// the handlers run here. For each event the host sends a plain copy (tag name, attributes,
// text...); the handler gets a token that answers reads from that copy and records its writes,
// which go back to the host when the handler (and its promise) is done. Content given as a
// Response or a ReadableStream is read to text first (lol-html takes strings).

const { callHost, callHostSync, isResponse, utf8Decode, toArrayBuffer, streams } = rt;

const INTERNAL = Symbol("internal");
const EXPIRED = "This content token is no longer valid. Content tokens are only valid during the execution of the relevant content handler.";

async function contentText(content) {
  if (typeof content === "string") return content;
  if (isResponse(content)) return content.text();
  if (streams.isStream(content)) return utf8Decode(await streams.readAllBytes(content), false);
  return String(content);
}

function htmlOption(options) {
  return options !== undefined && options !== null && options.html === true;
}

/** What every token shares: the list of writes, and validity (only during its handler). */
class Token {
  #ops;
  #valid = true;
  constructor(key, ops) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#ops = ops;
  }
  static expire(token) { token.#valid = false; }
  static record(token, op) {
    if (!token.#valid) throw new TypeError(EXPIRED);
    token.#ops.push(op);
  }
  static check(token) {
    if (!token.#valid) throw new TypeError(EXPIRED);
  }
}

const record = (token, op) => Token.record(token, op);
const check = (token) => Token.check(token);

class Element extends Token {
  #tagName; #attributes; #namespaceURI; #removed = false; #endTags;
  constructor(key, event, ops, endTags) {
    super(key, ops);
    this.#tagName = event.tagName;
    this.#attributes = event.attributes;
    this.#namespaceURI = event.namespaceURI;
    this.#endTags = endTags;
  }
  get tagName() { check(this); return this.#tagName; }
  set tagName(name) { record(this, ["tagName", String(name)]); this.#tagName = String(name).toLowerCase(); }
  get namespaceURI() { check(this); return this.#namespaceURI; }
  get removed() { check(this); return this.#removed; }
  get attributes() { check(this); return this.#attributes.map(([n, v]) => [n, v])[Symbol.iterator](); }
  getAttribute(name) {
    check(this);
    const lower = String(name).toLowerCase();
    const found = this.#attributes.find(([n]) => n === lower);
    return found === undefined ? null : found[1];
  }
  hasAttribute(name) { return this.getAttribute(name) !== null; }
  setAttribute(name, value) {
    record(this, ["setAttribute", String(name), String(value)]);
    const lower = String(name).toLowerCase();
    const i = this.#attributes.findIndex(([n]) => n === lower);
    if (i < 0) this.#attributes.push([lower, String(value)]);
    else this.#attributes[i] = [lower, String(value)];
    return this;
  }
  removeAttribute(name) {
    record(this, ["removeAttribute", String(name)]);
    const lower = String(name).toLowerCase();
    this.#attributes = this.#attributes.filter(([n]) => n !== lower);
    return this;
  }
  before(content, options = undefined) { record(this, ["before", content, htmlOption(options)]); return this; }
  after(content, options = undefined) { record(this, ["after", content, htmlOption(options)]); return this; }
  prepend(content, options = undefined) { record(this, ["prepend", content, htmlOption(options)]); return this; }
  append(content, options = undefined) { record(this, ["append", content, htmlOption(options)]); return this; }
  setInnerContent(content, options = undefined) { record(this, ["setInnerContent", content, htmlOption(options)]); return this; }
  replace(content, options = undefined) { record(this, ["replace", content, htmlOption(options)]); this.#removed = true; return this; }
  remove() { record(this, ["remove"]); this.#removed = true; return this; }
  removeAndKeepContent() { record(this, ["removeAndKeepContent"]); this.#removed = true; return this; }
  onEndTag(handler) {
    check(this);
    if (typeof handler !== "function") throw new TypeError("Failed to execute 'onEndTag' on 'Element': parameter 1 is not of type 'Function'.");
    const key = this.#endTags.size + 1;
    this.#endTags.set(key, handler);
    record(this, ["onEndTag", key]);
  }
}

class EndTag extends Token {
  #name;
  constructor(key, event, ops) { super(key, ops); this.#name = event.name; }
  get name() { check(this); return this.#name; }
  set name(value) { record(this, ["name", String(value)]); this.#name = String(value); }
  before(content, options = undefined) { record(this, ["before", content, htmlOption(options)]); return this; }
  after(content, options = undefined) { record(this, ["after", content, htmlOption(options)]); return this; }
  remove() { record(this, ["remove"]); return this; }
}

class Text extends Token {
  #text; #lastInTextNode; #removed = false;
  constructor(key, event, ops) { super(key, ops); this.#text = event.text; this.#lastInTextNode = event.lastInTextNode; }
  get text() { check(this); return this.#text; }
  get lastInTextNode() { check(this); return this.#lastInTextNode; }
  get removed() { check(this); return this.#removed; }
  before(content, options = undefined) { record(this, ["before", content, htmlOption(options)]); return this; }
  after(content, options = undefined) { record(this, ["after", content, htmlOption(options)]); return this; }
  replace(content, options = undefined) { record(this, ["replace", content, htmlOption(options)]); this.#removed = true; return this; }
  remove() { record(this, ["remove"]); this.#removed = true; return this; }
}

class Comment extends Token {
  #text; #removed = false;
  constructor(key, event, ops) { super(key, ops); this.#text = event.text; }
  get text() { check(this); return this.#text; }
  set text(value) { record(this, ["text", String(value)]); this.#text = String(value); }
  get removed() { check(this); return this.#removed; }
  before(content, options = undefined) { record(this, ["before", String(content), htmlOption(options)]); return this; }
  after(content, options = undefined) { record(this, ["after", String(content), htmlOption(options)]); return this; }
  replace(content, options = undefined) { record(this, ["replace", String(content), htmlOption(options)]); this.#removed = true; return this; }
  remove() { record(this, ["remove"]); this.#removed = true; return this; }
}

class Doctype extends Token {
  #name; #publicId; #systemId;
  constructor(key, event, ops) { super(key, ops); this.#name = event.name; this.#publicId = event.publicId; this.#systemId = event.systemId; }
  get name() { check(this); return this.#name; }
  get publicId() { check(this); return this.#publicId; }
  get systemId() { check(this); return this.#systemId; }
}

class DocumentEnd extends Token {
  constructor(key, event, ops) { super(key, ops); }
  append(content, options = undefined) { record(this, ["append", String(content), htmlOption(options)]); return this; }
}

const TOKEN_CLASSES = { element: Element, text: Text, comments: Comment, doctype: Doctype, end: DocumentEnd };

/** The handler method of a registration, read once (as workerd does), or undefined. */
function method(handlers, name) {
  const fn = handlers[name];
  if (fn === undefined || fn === null) return undefined;
  if (typeof fn !== "function") throw new TypeError(`HTMLRewriter: the ${name} handler must be a function`);
  return fn;
}

class HTMLRewriter {
  #elements = [];
  #documents = [];

  on(selector, handlers) {
    if (handlers === null || typeof handlers !== "object") throw new TypeError("Failed to execute 'on' on 'HTMLRewriter': parameter 2 is not of type 'ElementContentHandlers'.");
    const reply = callHostSync("html.check", [String(selector)]);
    void reply;
    this.#elements.push({ selector: String(selector), handlers, element: method(handlers, "element"), comments: method(handlers, "comments"), text: method(handlers, "text") });
    return this;
  }

  onDocument(handlers) {
    if (handlers === null || typeof handlers !== "object") throw new TypeError("Failed to execute 'onDocument' on 'HTMLRewriter': parameter 1 is not of type 'DocumentContentHandlers'.");
    this.#documents.push({ handlers, doctype: method(handlers, "doctype"), comments: method(handlers, "comments"), text: method(handlers, "text"), end: method(handlers, "end") });
    return this;
  }

  /** A response whose body is `response`'s, rewritten as it streams through. */
  transform(response) {
    if (!isResponse(response)) throw new TypeError("Failed to execute 'transform' on 'HTMLRewriter': parameter 1 is not of type 'Response'.");
    const elements = this.#elements.slice();
    const documents = this.#documents.slice();
    const spec = {
      elements: elements.map((e) => ({ selector: e.selector, element: e.element !== undefined, comments: e.comments !== undefined, text: e.text !== undefined })),
      documents: documents.map((d) => ({ doctype: d.doctype !== undefined, comments: d.comments !== undefined, text: d.text !== undefined, end: d.end !== undefined })),
    };
    const source = response.body;
    const endTags = new Map();
    let id = null;
    let reader = null;
    let cancelled = false;
    const release = () => {
      if (id !== null) callHostSync("html.release", [id]);
      id = null;
    };

    const run = async (event) => {
      const ops = [];
      let registration;
      let fn;
      if (event.kind === "endTag") {
        fn = endTags.get(event.key);
        registration = undefined;
      } else {
        registration = event.handler >= 0 ? elements[event.handler] : documents[-1 - event.handler];
        fn = registration[event.kind];
      }
      const token = event.kind === "endTag" ? new EndTag(INTERNAL, event, ops) : event.kind === "element" ? new Element(INTERNAL, event, ops, endTags) : new TOKEN_CLASSES[event.kind](INTERNAL, event, ops);
      try {
        await fn.call(registration === undefined ? undefined : registration.handlers, token);
      } finally {
        Token.expire(token);
      }
      for (const op of ops) if (op.length === 3 && typeof op[1] !== "string") op[1] = await contentText(op[1]);
      return ops;
    };

    const body = new ReadableStream({
      async pull(controller) {
        try {
          if (id === null) {
            id = await callHost("html.open", [spec]);
            if (cancelled) {
              release();
              return;
            }
            reader = source === null ? null : source.getReader();
          }
          for (;;) {
            const chunk = reader === null ? { done: true } : await reader.read();
            if (!chunk.done && !(chunk.value instanceof Uint8Array)) throw new TypeError("This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.");
            let step = await (chunk.done ? callHost("html.end", [id]) : callHost("html.write", [id, toArrayBuffer(chunk.value)]));
            let produced = false;
            for (;;) {
              if (step.out !== null) {
                controller.enqueue(new Uint8Array(step.out));
                produced = true;
              }
              if (step.event === null) break;
              step = await callHost("html.resume", [id, await run(step.event)]);
            }
            if (chunk.done) {
              release();
              controller.close();
              return;
            }
            if (produced) return;
          }
        } catch (e) {
          release();
          if (reader !== null) reader.cancel(e).catch(() => {});
          controller.error(e);
        }
      },
      cancel(reason) {
        cancelled = true;
        release();
        if (reader !== null) return reader.cancel(reason);
        return undefined;
      },
    });
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  }
}

return { HTMLRewriter };
