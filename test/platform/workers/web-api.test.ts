// The in-isolate Web API layer, compared against Node's own implementations on the host.
import { createHmac, generateKeyPairSync, sign as nodeSign, createHash } from "node:crypto";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/sim/clock.js";
import { Worker } from "../../../src/workers/index.js";

const workers: Worker[] = [];
afterAll(() => workers.forEach((w) => w.dispose()));

/** A worker that runs `body` with the request's JSON body bound to `input`. */
function echo(body: string): (input: unknown) => Promise<unknown> {
  const source = `export default { async fetch(request) { const input = await request.json(); ${body} } };`;
  const w = new Worker(source, { name: `api${workers.length}`, cpuMsMax: 2_000 }, { clock: new VirtualClock(0) });
  workers.push(w);
  return async (input) => {
    const r = await w.fetch(new Request("https://api.example/", { method: "POST", body: JSON.stringify(input) }));
    expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
    return r.response.json();
  };
}

describe("encoding", () => {
  const utf8 = echo(`return Response.json(input.map((s) => {
    const bytes = new TextEncoder().encode(s);
    return [Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""), new TextDecoder().decode(bytes)];
  }));`);

  it("TextEncoder/TextDecoder agree with the host's UTF-8 for any string, lone surrogates included", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: "binary", maxLength: 20 }), { maxLength: 20 }), async (strings) => {
        const got = (await utf8(strings)) as Array<[string, string]>;
        strings.forEach((s, i) => {
          expect(got[i]![0]).toBe(Buffer.from(s, "utf8").toString("hex"));
          expect(got[i]![1]).toBe(Buffer.from(s, "utf8").toString("utf8"));
        });
      }),
      { numRuns: 15 },
    );
  });

  it("btoa/atob agree with the host's base64 for any Latin-1 string", async () => {
    const b64 = echo(`return Response.json(input.map((s) => [btoa(s), atob(btoa(s))]));`);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 16 }), { maxLength: 20 }), async (strings) => {
        const got = (await b64(strings)) as Array<[string, string]>;
        strings.forEach((s, i) => expect(got[i]).toEqual([Buffer.from(s, "latin1").toString("base64"), s]));
      }),
      { numRuns: 15 },
    );
  });
});

describe("URL and URLSearchParams", () => {
  it("URLSearchParams serialises like the host's for any pairs", async () => {
    const qs = echo(`return Response.json(input.map((pairs) => new URLSearchParams(pairs).toString()));`);
    const pair = fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(pair, { maxLength: 4 }), { maxLength: 10 }), async (lists) => {
        const got = (await qs(lists)) as string[];
        lists.forEach((pairs, i) => expect(got[i]).toBe(new URLSearchParams(pairs).toString()));
      }),
      { numRuns: 15 },
    );
  });

  it("URL parses with the WHATWG rules, and setters and searchParams stay in sync", async () => {
    const url = echo(`
      const u = new URL("../a/./b?x=1&y=2#h", "https://User@EXAMPLE.com:443/p/q/r");
      const before = [u.href, u.origin, u.host, u.pathname, u.search, u.hash, u.username, u.searchParams.get("y")];
      u.searchParams.append("z", "a b");
      u.pathname = "/new path";
      u.search = "?k=v";
      let invalid; try { new URL("not a url"); } catch (e) { invalid = e.name; }
      return Response.json({ before, after: [u.href, u.searchParams.get("k"), u.searchParams.get("x")], invalid, canParse: URL.canParse("/x", "https://a.b") });`);
    expect(await url({})).toEqual({
      before: ["https://User@example.com/p/a/b?x=1&y=2#h", "https://example.com", "example.com", "/p/a/b", "?x=1&y=2", "#h", "User", "2"],
      after: ["https://User@example.com/new%20path?k=v#h", "v", null],
      invalid: "TypeError",
      canParse: true,
    });
  });
});

describe("Headers, Request and Response", () => {
  it("Headers are case-insensitive, combine values and keep Set-Cookie apart", async () => {
    const h = echo(`
      const h = new Headers({ "Content-Type": "text/plain" });
      h.append("X-Multi", "a"); h.append("x-multi", "b");
      h.append("Set-Cookie", "a=1"); h.append("set-cookie", "b=2");
      const r = new Response("body", { headers: h });
      return Response.json({ ct: h.get("CONTENT-TYPE"), multi: h.get("x-MULTI"), cookies: h.getSetCookie(),
        keys: [...h.keys()], has: h.has("x-multi"), outCookies: r.headers.getSetCookie() });`);
    expect(await h({})).toEqual({
      ct: "text/plain", multi: "a, b", cookies: ["a=1", "b=2"], keys: ["content-type", "set-cookie", "set-cookie", "x-multi"], has: true, outCookies: ["a=1", "b=2"],
    });
  });

  it("multiple Set-Cookie headers reach the host response separately", async () => {
    const w = new Worker(`export default { fetch() { const h = new Headers(); h.append("set-cookie", "a=1"); h.append("set-cookie", "b=2"); return new Response(null, { status: 204, headers: h }); } };`, { name: "cookies" }, { clock: new VirtualClock(0) });
    workers.push(w);
    const r = await w.fetch(new Request("https://api.example/"));
    expect(r.response.status).toBe(204);
    expect(r.response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
  });

  it("Request/Response bodies read once, clone independently, and carry method, status and URL", async () => {
    const rr = echo(`
      const req = new Request("https://x.example/p", { method: "post", body: "hello", headers: { "x-a": "1" } });
      const copy = req.clone();
      const text = await req.text();
      let second; try { await req.text(); } catch (e) { second = e.name; }
      const res = new Response(new Uint8Array([104, 105]), { status: 201, statusText: "Made" });
      const resCopy = res.clone();
      return Response.json({ method: req.method, text, copyText: await copy.text(), second, used: req.bodyUsed,
        status: res.status, ok: res.ok, statusText: res.statusText, body: await res.text(), copyBody: await resCopy.arrayBuffer().then((b) => b.byteLength),
        redirect: Response.redirect("https://a.example/x", 307).headers.get("location"), structured: structuredClone({ m: new Map([[1, 2]]) }).m.get(1) });`);
    expect(await rr({})).toEqual({
      method: "POST", text: "hello", copyText: "hello", second: "TypeError", used: true,
      status: 201, ok: true, statusText: "Made", body: "hi", copyBody: 2, redirect: "https://a.example/x", structured: 2,
    });
  });
});

describe("crypto", () => {
  it("HMAC-SHA256 sign/verify and SHA-256 digest match the host for any message", async () => {
    const hmac = echo(`
      const enc = new TextEncoder();
      const key = await crypto.subtle.importKey("raw", enc.encode(input.secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
      const sig = await crypto.subtle.sign("HMAC", key, enc.encode(input.msg));
      const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
      return Response.json({ sig: hex(sig), ok: await crypto.subtle.verify("HMAC", key, sig, enc.encode(input.msg)),
        tampered: await crypto.subtle.verify("HMAC", key, sig, enc.encode(input.msg + "!")),
        digest: hex(await crypto.subtle.digest("SHA-256", enc.encode(input.msg))), algorithm: key.algorithm, type: key.type });`);
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 16 }), fc.string({ maxLength: 40 }), async (secret, msg) => {
        const got = (await hmac({ secret, msg })) as Record<string, unknown>;
        expect(got["sig"]).toBe(createHmac("sha256", secret).update(msg).digest("hex"));
        expect(got["digest"]).toBe(createHash("sha256").update(msg).digest("hex"));
        expect(got).toMatchObject({ ok: true, tampered: false, type: "secret", algorithm: { name: "HMAC", hash: { name: "SHA-256" } } });
      }),
      { numRuns: 8 },
    );
  });

  it("verifies ECDSA P-256 (JWK) and RSASSA-PKCS1-v1_5 (SPKI) signatures made on the host", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const msg = "header.payload";
    const ecSig = nodeSign("sha256", Buffer.from(msg), { key: ec.privateKey, dsaEncoding: "ieee-p1363" }).toString("base64");
    const rsaSig = nodeSign("sha256", Buffer.from(msg), rsa.privateKey).toString("base64");
    const verify = echo(`
      const b = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
      const data = new TextEncoder().encode(input.msg);
      const ecKey = await crypto.subtle.importKey("jwk", input.jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
      const rsaKey = await crypto.subtle.importKey("spki", b(input.spki), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
      return Response.json({
        ec: await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, ecKey, b(input.ecSig), data),
        rsa: await crypto.subtle.verify("RSASSA-PKCS1-v1_5", rsaKey, b(input.rsaSig), data),
        wrong: await crypto.subtle.verify("RSASSA-PKCS1-v1_5", rsaKey, b(input.rsaSig), new TextEncoder().encode("other")),
      });`);
    expect(
      await verify({ msg, jwk: ec.publicKey.export({ format: "jwk" }), spki: rsa.publicKey.export({ format: "der", type: "spki" }).toString("base64"), ecSig, rsaSig }),
    ).toEqual({ ec: true, rsa: true, wrong: false });
  });

  it("randomUUID is a v4 UUID and getRandomValues fills the array and enforces the 65536-byte quota", async () => {
    const rnd = echo(`
      const a = crypto.getRandomValues(new Uint8Array(64));
      let quota; try { crypto.getRandomValues(new Uint8Array(65537)); } catch (e) { quota = e.name; }
      return Response.json({ uuids: [crypto.randomUUID(), crypto.randomUUID()], nonZero: a.some((x) => x !== 0), quota });`);
    const got = (await rnd({})) as { uuids: string[]; nonZero: boolean; quota: string };
    for (const u of got.uuids) expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(got.uuids[0]).not.toBe(got.uuids[1]);
    expect(got.nonZero).toBe(true);
    expect(got.quota).toBe("QuotaExceededError"); // a DOMException, as WebCryptoAPI §10.1.1 says
  });
});
