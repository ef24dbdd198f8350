// HTMLRewriter in a worker: lol-html (html-rewriter-wasm) on the host, the handlers in the
// isolate (runtime/lazy/html-rewriter.js, html-rewriter-host.ts). Expected outputs follow
// Cloudflare's documented behaviour ("HTMLRewriter" in the Workers runtime APIs).
import { afterAll, describe, expect, it } from "vitest";
import { HtmlRewriters, htmlEnginesAlive } from "../../../src/workers/html-rewriter-host.js";
import { Worker } from "../../../src/workers/index.js";
import { disposeWorkers, inWorker, json } from "./in-worker.js";

afterAll(disposeWorkers);

/** Runs `code` in a worker; it has `body(html)` to make a response, and returns a Response. */
function inRewriter(code: string) {
  return inWorker(`
    const body = (html) => new Response(html, { headers: { "content-type": "text/html" } });
    const enc = new TextEncoder();
    ${code}
  `);
}

describe("HTMLRewriter: element handlers", () => {
  it("reads and writes attributes, case-insensitively, and reflects its own writes", async () => {
    const w = inRewriter(`
      const log = [];
      const out = new HTMLRewriter().on("a", { element(el) {
        log.push(el.tagName, el.getAttribute("HREF"), el.hasAttribute("rel"), [...el.attributes], el.namespaceURI);
        el.setAttribute("href", "https://e.example" + el.getAttribute("href")).removeAttribute("target").setAttribute("data-n", "1");
        log.push(el.getAttribute("href"), el.hasAttribute("target"), [...el.attributes]);
      } }).transform(body('<p><A HREF="/x" Target="_blank">x</A></p>'));
      return Response.json({ text: await out.text(), log });`);
    expect(await json(w())).toEqual({
      text: '<p><A HREF="https://e.example/x" data-n="1">x</A></p>',
      log: ["a", "/x", false, [["href", "/x"], ["target", "_blank"]], "http://www.w3.org/1999/xhtml", "https://e.example/x", false, [["href", "https://e.example/x"], ["data-n", "1"]]],
    });
  });

  it("inserts content before, after, prepended, appended, as text (escaped) or HTML, and replaces, removes or unwraps", async () => {
    const w = inRewriter(`
      const out = new HTMLRewriter()
        .on("#a", { element(el) { el.before("<i>b</i>").after("<i>a</i>", { html: true }).prepend("[").append("]"); } })
        .on("#b", { element(el) { el.setInnerContent("<em>new</em>", { html: true }); } })
        .on("#c", { element(el) { el.replace("<hr>", { html: true }); } })
        .on("#d", { element(el) { el.remove(); } })
        .on("#e", { element(el) { el.removeAndKeepContent(); } })
        .on("#f", { element(el) { el.tagName = "section"; } })
        .transform(body('<div id="a">A</div><div id="b">old <b>x</b></div><div id="c">C</div><div id="d">D</div><div id="e">E<b>!</b></div><div id="f">F</div>'));
      return new Response(await out.text());`);
    expect(await (await w()).text()).toBe(
      '&lt;i&gt;b&lt;/i&gt;<div id="a">[A]</div><i>a</i><div id="b"><em>new</em></div><hr>E<b>!</b><section id="f">F</section>',
    );
  });

  it("matches CSS selectors as lol-html does, and refuses a bad selector at on() with a TypeError", async () => {
    const w = inRewriter(`
      const hits = [];
      const tag = (name) => ({ element(el) { hits.push(name + ":" + (el.getAttribute("id") ?? el.tagName)); } });
      await new HTMLRewriter()
        .on("ul > li:nth-child(2)", tag("nth")).on('a[href^="https"]', tag("prefix")).on(".k.j", tag("classes")).on("#only", tag("id"))
        .on("p *", tag("desc")).on("svg rect", tag("svg"))
        .transform(body('<ul><li id="l1">1</li><li id="l2">2</li></ul><a id="s" href="https://x">s</a><a id="h" href="http://x">h</a><b class="j k" id="jk">x</b><b class="k" id="k">y</b><i id="only"></i><p><span id="in"><u id="deep"></u></span></p><svg><rect id="r"/></svg>'))
        .text();
      const errors = [];
      for (const bad of ["a[", "", "p >", "::before"]) { try { new HTMLRewriter().on(bad, {}); errors.push(null); } catch (e) { errors.push(e.constructor.name); } }
      return Response.json({ hits, errors });`);
    const { hits, errors } = (await json(w())) as { hits: string[]; errors: Array<string | null> };
    expect(hits.sort()).toEqual(["classes:jk", "desc:deep", "desc:in", "id:only", "nth:l2", "prefix:s", "svg:r"].sort());
    expect(errors).toEqual(["TypeError", "TypeError", "TypeError", "TypeError"]);
  });

  it("end tag handlers see the end tag's name and can write around it or remove it", async () => {
    const w = inRewriter(`
      const out = new HTMLRewriter().on("div", { element(el) {
        el.onEndTag((end) => { end.before("<!--in-->", { html: true }); end.after("&", { html: false }); if (el.getAttribute === undefined) throw new Error(); });
      } }).on("span", { element(el) { el.onEndTag((end) => { end.name = "b"; }); } })
        .transform(body('<div>x</div><span>y</span>'));
      return new Response(await out.text());`);
    expect(await (await w()).text()).toBe("<div>x<!--in--></div>&amp;<span>y</b>");
  });

  it("content may be a Response or a ReadableStream, read to text first", async () => {
    const w = inRewriter(`
      const stream = new ReadableStream({ start(c) { c.enqueue(enc.encode("<b>from ")); c.enqueue(enc.encode("a stream</b>")); c.close(); } });
      const out = new HTMLRewriter()
        .on("#r", { element(el) { el.setInnerContent(new Response("<i>from a response</i>"), { html: true }); } })
        .on("#s", { element(el) { el.append(stream, { html: true }); } })
        .transform(body('<p id="r"></p><p id="s"></p>'));
      return new Response(await out.text());`);
    expect(await (await w()).text()).toBe('<p id="r"><i>from a response</i></p><p id="s"><b>from a stream</b></p>');
  });
});

describe("HTMLRewriter: text, comments, doctype, document end", () => {
  it("text chunks arrive as lol-html cuts them, lastInTextNode marks each node's end, across input chunks and non-ASCII", async () => {
    const w = inRewriter(`
      const seen = [];
      const parts = ["<p>héllo w", "orld ✓</p><p>", "second</p>"];
      const source = new ReadableStream({ pull(c) { if (parts.length) c.enqueue(enc.encode(parts.shift())); else c.close(); } });
      const out = new HTMLRewriter().on("p", { text(t) { seen.push([t.text, t.lastInTextNode]); if (t.text.includes("second")) t.replace("2nd"); } })
        .transform(new Response(source));
      const text = await out.text();
      return Response.json({ text, seen });`);
    const { text, seen } = (await json(w())) as { text: string; seen: Array<[string, boolean]> };
    expect(text).toBe("<p>héllo world ✓</p><p>2nd</p>");
    // Whatever the cuts, the chunks of a node join to its text and only its last one is marked.
    const nodes: string[] = [];
    let current = "";
    for (const [chunk, last] of seen) {
      current += chunk;
      if (last) {
        nodes.push(current);
        current = "";
      }
    }
    expect(nodes).toEqual(["héllo world ✓", "second"]);
    expect(seen.filter(([, last]) => last)).toHaveLength(2);
  });

  it("comments can be read, rewritten and removed; the doctype is read; the document end can be appended to", async () => {
    const w = inRewriter(`
      let doctype;
      const out = new HTMLRewriter()
        .onDocument({
          doctype(d) { doctype = [d.name, d.publicId, d.systemId]; },
          comments(c) { if (c.text.trim() === "drop") c.remove(); else c.text = c.text.toUpperCase(); },
          end(end) { end.append("<!-- end -->", { html: true }); },
        })
        .on("p", { comments(c) { c.after("<b>after</b>", { html: true }); } })
        .transform(body('<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd"><!--keep--><!-- drop --><p><!--in p--></p>'));
      return Response.json({ text: await out.text(), doctype });`);
    expect(await json(w())).toEqual({
      text: '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd"><!--KEEP--><p><!--IN P--><b>after</b></p><!-- end -->',
      doctype: ["html", "-//W3C//DTD HTML 4.01//EN", "http://www.w3.org/TR/html4/strict.dtd"],
    });
  });

  it("removes Content-Length (the length changes) and keeps status and other headers", async () => {
    const w = inRewriter(`
      const out = new HTMLRewriter().on("p", { element(el) { el.append("!"); } })
        .transform(new Response("<p>x</p>", { status: 404, statusText: "Gone Fishing", headers: { "content-length": "8", "x-kept": "yes" } }));
      return Response.json({ status: out.status, statusText: out.statusText, length: out.headers.get("content-length"), kept: out.headers.get("x-kept"), text: await out.text() });`);
    expect(await json(w())).toEqual({ status: 404, statusText: "Gone Fishing", length: null, kept: "yes", text: "<p>x!</p>" });
  });
});

describe("HTMLRewriter: async handlers, streaming, errors", () => {
  it("awaits async handlers (timers, subrequests) before going on, in document order", async () => {
    const w = inRewriter(`
      const order = [];
      const out = new HTMLRewriter().on("li", { async element(el) {
        const id = el.getAttribute("id");
        await scheduler.wait(Number(el.getAttribute("data-wait")));
        order.push(id);
        el.setAttribute("data-done", String(order.length));
      } }).transform(body('<li id="a" data-wait="20"></li><li id="b" data-wait="1"></li><li id="c" data-wait="5"></li>'));
      return Response.json({ text: await out.text(), order });`);
    expect(await json(w())).toEqual({
      text: '<li id="a" data-wait="20" data-done="1"></li><li id="b" data-wait="1" data-done="2"></li><li id="c" data-wait="5" data-done="3"></li>',
      order: ["a", "b", "c"],
    });
  });

  it("streams: the first rewritten bytes go out before the rest of the page has been read", async () => {
    const w = inRewriter(`
      let release;
      const gate = new Promise((r) => (release = r));
      let n = 0;
      const source = new ReadableStream({ async pull(c) {
        if (n === 0) c.enqueue(enc.encode("<p>one</p>"));
        else if (n === 1) { await gate; c.enqueue(enc.encode("<p>two</p>")); }
        else c.close();
        n++;
      } });
      const out = new HTMLRewriter().on("p", { element(el) { el.setAttribute("x", "1"); } }).transform(new Response(source));
      const reader = out.body.getReader();
      const first = await Promise.race([reader.read(), scheduler.wait(3000).then(() => "timed out")]);
      release();
      let rest = "";
      for (;;) { const { value, done } = await reader.read(); if (done) break; rest += new TextDecoder().decode(value); }
      return Response.json({ first: first === "timed out" ? first : new TextDecoder().decode(first.value), rest });`);
    const { first, rest } = (await json(w())) as { first: string; rest: string };
    expect(first).not.toBe("timed out");
    expect(first + rest).toBe('<p x="1">one</p><p x="1">two</p>');
    expect(first.startsWith('<p x="1">one')).toBe(true);
  });

  it("two transforms with async handlers interleave without disturbing each other (an engine per transform)", async () => {
    const w = inRewriter(`
      const make = (tag, wait) => new HTMLRewriter().on("i", { async element(el) { await scheduler.wait(wait); el.setAttribute("by", tag); } })
        .transform(body("<i>1</i><i>2</i><i>3</i><i>4</i>")).text();
      return Response.json(await Promise.all([make("one", 3), make("two", 2), make("three", 1)]));`);
    const outs = (await json(w())) as string[];
    expect(outs).toEqual(["one", "two", "three"].map((t) => `<i by="${t}">1</i><i by="${t}">2</i><i by="${t}">3</i><i by="${t}">4</i>`));
    expect(w.worker.openHtmlRewriters).toBe(0);
  });

  it("a token used after its handler returned throws workerd's TypeError", async () => {
    const w = inRewriter(`
      let kept;
      await new HTMLRewriter().on("p", { element(el) { kept = el; } }).transform(body("<p>x</p>")).text();
      try { kept.setAttribute("a", "b"); return new Response("no error"); } catch (e) { return new Response(e.constructor.name + ": " + e.message); }`);
    expect(await (await w()).text()).toBe("TypeError: This content token is no longer valid. Content tokens are only valid during the execution of the relevant content handler.");
  });

  it("a handler that throws errors the body with its error, and the engine is dropped", async () => {
    const w = inRewriter(`
      const out = new HTMLRewriter().on("b", { element() { throw new RangeError("bad b"); } }).transform(body("<p>a</p><b>b</b>"));
      try { await out.text(); return new Response("no error"); } catch (e) { return new Response(e.constructor.name + ": " + e.message); }`);
    expect(await (await w()).text()).toBe("RangeError: bad b");
    expect(w.worker.openHtmlRewriters).toBe(0);
  });

  it("refuses bad use with TypeErrors: transform of a non-Response, handlers that are not objects or functions", async () => {
    const w = inRewriter(`
      const fails = (f) => { try { f(); return null; } catch (e) { return e.constructor.name; } };
      let endTag;
      await new HTMLRewriter().on("p", { element(el) { endTag = fails(() => el.onEndTag("not a function")); } }).transform(body("<p></p>")).text();
      return Response.json([
        fails(() => new HTMLRewriter().transform("<p></p>")),
        fails(() => new HTMLRewriter().on("p", null)),
        fails(() => new HTMLRewriter().on("p", { element: 1 })),
        fails(() => new HTMLRewriter().onDocument(undefined)),
        endTag,
      ]);`);
    expect(await json(w())).toEqual(["TypeError", "TypeError", "TypeError", "TypeError", "TypeError"]);
  });

  it("reuses engines: many transforms in a row do not grow the engine count", async () => {
    const w = inRewriter(`
      for (let i = 0; i < 30; i++) await new HTMLRewriter().on("p", { async element(el) { await null; el.setAttribute("i", String(i)); } }).transform(body("<p></p>")).text();
      return new Response("done");`);
    await w();
    const before = htmlEnginesAlive();
    await w();
    expect(htmlEnginesAlive()).toBe(before);
  });

  it("is lazy: a worker that never reads HTMLRewriter has not loaded the module", async () => {
    const w = inRewriter(`
      const before = typeof Object.getOwnPropertyDescriptor(globalThis, "HTMLRewriter").get;
      const type = typeof HTMLRewriter;
      return Response.json({ before, type, after: typeof Object.getOwnPropertyDescriptor(globalThis, "HTMLRewriter").get });`);
    expect(await json(w())).toEqual({ before: "function", type: "function", after: "undefined" });
  });

  it("CPU spent in handlers counts toward the worker's CPU limit", async () => {
    const source = `export default { fetch() {
      return new HTMLRewriter().on("p", { element() { for (;;) {} } }).transform(new Response("<p>x</p>"));
    } };`;
    const w = new Worker(source, { name: "html-spin", cpuMsMax: 50 });
    try {
      const r = await w.fetch(new Request("https://s.example/"));
      const body = r.outcome === "ok" ? await r.response.text().then(() => "read", (e: Error) => `failed: ${e.message}`) : r.outcome;
      expect(body).not.toBe("read");
    } finally {
      w.dispose();
    }
  });
});

describe("HtmlRewriters (host side): untrusted calls from the isolate", () => {
  it("refuses unknown handles, malformed specs and operations outside each token's list", async () => {
    const table = new HtmlRewriters();
    expect(() => table.write(99, new ArrayBuffer(1))).toThrow(TypeError);
    expect(() => table.open({ elements: "x", documents: [] })).toThrow(TypeError);
    expect(() => table.open({ elements: [{ selector: "a[" }], documents: [] })).toThrow(TypeError);
    const id = table.open({ elements: [{ selector: "p", element: true }], documents: [] });
    expect(() => table.resume(id, [])).toThrow("no handler is waiting");
    const step = await table.write(id, new TextEncoder().encode("<p>x</p>").buffer);
    expect(step.event).toMatchObject({ kind: "element", tagName: "p" });
    await expect(table.resume(id, [["constructor"]])).rejects.toThrow(TypeError);
    table.release(id);
    expect(table.size).toBe(0);
    for (const ops of [[["__proto__"]], [["setAttribute", "a"]], [["before", 1, true]], "x"]) {
      const again = table.open({ elements: [{ selector: "p", element: true }], documents: [] });
      await table.write(again, new TextEncoder().encode("<p>x</p>").buffer);
      await expect(table.resume(again, ops)).rejects.toThrow(TypeError);
      table.release(again);
    }
  });
});
