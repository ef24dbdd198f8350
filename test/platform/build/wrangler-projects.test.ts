// Real worker projects, unmodified, each run by `npm start -- --config <its wrangler.toml>` as
// its author would run `wrangler dev`: a hono app in TypeScript with JSX, an itty-router app,
// a worker signing and verifying JWTs with jose, and a worker importing a .wasm module. Their
// dependencies come from their committed lock files (`npm ci`, once). The expected answers
// are the ones their documentation gives.
import { createHmac } from "node:crypto";
import { SignJWT, importJWK, jwtVerify, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedEdge, startNpmEdge } from "../../support/npm-start.js";
import { installFixture, WORKER_FIXTURES } from "../../support/worker-fixtures.js";

const PROJECTS = ["hono-app", "itty-router-app", "jose-app", "wasm-app"] as const;
const servers = new Map<string, StartedEdge>();

beforeAll(async () => {
  for (const name of PROJECTS) installFixture(name);
  const started = await Promise.allSettled(PROJECTS.map((name) => startNpmEdge(["--config", `${WORKER_FIXTURES}/${name}/wrangler.toml`, "--data", ":memory:"])));
  started.forEach((s, i) => {
    if (s.status === "fulfilled") servers.set(PROJECTS[i]!, s.value);
  });
  const failed = started.find((s) => s.status === "rejected");
  if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
}, 240_000);

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.stop()));
});

function url(project: (typeof PROJECTS)[number], path: string): string {
  return `${servers.get(project)!.url}${path}`;
}

describe("hono (TypeScript, JSX, middleware, cookies)", () => {
  it("routes, answers text and JSON, and passes through the edge pipeline", async () => {
    const root = await fetch(url("hono-app", "/"));
    expect(root.status).toBe(200);
    // A string body gets the Fetch standard's default type (hono returns new Response(text)).
    expect(root.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
    expect(await root.text()).toBe("Hello Hono!");
    expect(root.headers.get("cf-ray")).toMatch(/^[0-9a-f]{16}-[A-Z]{3}$/);
    // hono's docs: c.req.param, c.req.query and c.header.
    const post = await fetch(url("hono-app", "/posts/42?page=3"));
    expect(await post.json()).toEqual({ id: "42", page: "3" });
    expect(post.headers.get("x-message")).toBe("Hi!");
    expect(await (await fetch(url("hono-app", "/greeting"))).json()).toEqual({ message: "Hello from the edge" });
  });

  it("reads a JSON body, and turns an HTTPException into its response", async () => {
    const created = await fetch(url("hono-app", "/posts"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "Édge" }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ created: "Édge" });
    const bad = await fetch(url("hono-app", "/posts"), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe("title is required");
  });

  it("runs middleware: secure headers on every answer, basic auth on /admin", async () => {
    const open = await fetch(url("hono-app", "/"));
    expect(open.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(open.headers.get("x-content-type-options")).toBe("nosniff");
    const denied = await fetch(url("hono-app", "/admin"));
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toBe('Basic realm="Secure Area"');
    const wrong = await fetch(url("hono-app", "/admin"), { headers: { authorization: `Basic ${btoa("hono:guess")}` } });
    expect(wrong.status).toBe(401);
    const allowed = await fetch(url("hono-app", "/admin"), { headers: { authorization: `Basic ${btoa("hono:acoolproject")}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toBe("You are authorized");
  });

  it("sets, reads and deletes cookies, and signs them with HMAC-SHA256", async () => {
    const set = await fetch(url("hono-app", "/cookie"));
    expect(set.headers.get("set-cookie")).toBe("delicious_cookie=macha; Path=/; HttpOnly; SameSite=Lax");
    const read = await fetch(url("hono-app", "/cookie/read"), { headers: { cookie: "delicious_cookie=macha; other=1" } });
    expect(await read.json()).toEqual({ cookie: "macha", all: { delicious_cookie: "macha", other: "1" } });
    expect((await fetch(url("hono-app", "/cookie/delete"), { headers: { cookie: "delicious_cookie=macha" } })).headers.get("set-cookie")).toMatch(/^delicious_cookie=; Max-Age=0; Path=\//);

    const signed = (await fetch(url("hono-app", "/signed"))).headers.get("set-cookie")!;
    const mac = createHmac("sha256", "a-secret-only-for-this-fixture").update("user-42").digest("base64");
    expect(signed).toBe(`session=user-42.${encodeURIComponent(mac)}; Path=/`);
    const cookie = signed.split(";")[0]!;
    expect(await (await fetch(url("hono-app", "/signed/read"), { headers: { cookie } })).json()).toEqual({ session: "user-42" });
    const forged = cookie.replace("user-42", "user-43");
    expect(await (await fetch(url("hono-app", "/signed/read"), { headers: { cookie: forged } })).json()).toEqual({ session: false });
  });

  it("renders JSX from a .tsx module, and answers 404 from notFound", async () => {
    const page = await fetch(url("hono-app", "/page"));
    expect(page.headers.get("content-type")).toBe("text/html; charset=UTF-8");
    expect(await page.text()).toBe("<html lang=\"en\"><body><h1>Hono JSX</h1><ul><li>a</li><li>b</li></ul></body></html>");
    const missing = await fetch(url("hono-app", "/nowhere"));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: "Not Found", path: "/nowhere" });
  });
});

describe("itty-router (JavaScript, AutoRouter)", () => {
  it("answers the README's routes as JSON", async () => {
    const hello = await fetch(url("itty-router-app", "/hello/Ada"));
    expect(hello.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await hello.json()).toBe("Hello, Ada!");
    expect(await (await fetch(url("itty-router-app", "/json"))).json()).toEqual([1, 2, 3]);
    expect(await (await fetch(url("itty-router-app", "/promises"))).json()).toBe("foo");
    expect(await (await fetch(url("itty-router-app", "/todos/13?x=1&x=2&y=z"))).json()).toEqual({ id: "13", query: { x: ["1", "2"], y: "z" } });
  });

  it("reads a posted body and answers errors in its { status, error } shape", async () => {
    const created = await fetch(url("itty-router-app", "/todos"), { method: "POST", body: JSON.stringify({ title: "buy milk" }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ created: { title: "buy milk" } });
    const teapot = await fetch(url("itty-router-app", "/teapot"));
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({ status: 418, error: "I am a teapot" });
    const thrown = await fetch(url("itty-router-app", "/throw"));
    expect(thrown.status).toBe(500);
    expect(await thrown.json()).toEqual({ status: 500, error: "Bad Request" });
    const missing = await fetch(url("itty-router-app", "/missing"));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ status: 404, error: "Not Found" });
  });
});

describe("jose (JWT sign and verify)", () => {
  const secret = new TextEncoder().encode("cc7e0d44fd473002f1c42167459001140ec6389b7353f8088f4d9a95f2f596f2");
  const issue = async (sub: string): Promise<string> => {
    const r = await fetch(url("jose-app", "/token"), { method: "POST", body: JSON.stringify({ sub }) });
    expect(r.status).toBe(200);
    return ((await r.json()) as { token: string }).token;
  };
  const me = async (token: string): Promise<{ status: number; body: unknown }> => {
    const r = await fetch(url("jose-app", "/me"), { headers: { authorization: `Bearer ${token}` } });
    return { status: r.status, body: await r.json() };
  };

  it("signs an HS256 token that jose outside the edge verifies, and verifies it back", async () => {
    const token = await issue("ada");
    const { payload, protectedHeader } = await jwtVerify(token, secret, { issuer: "urn:example:issuer", audience: "urn:example:audience" });
    expect(protectedHeader).toEqual({ alg: "HS256" });
    expect(payload).toMatchObject({ sub: "ada", "urn:example:claim": true });
    expect(payload.exp! - payload.iat!).toBe(2 * 3600);
    expect(await me(token)).toEqual({ status: 200, body: { sub: "ada", alg: "HS256", claim: true } });
  });

  it("refuses a tampered, expired, foreign or missing token with jose's error code", async () => {
    const token = await issue("ada");
    const [h, p, s] = token.split(".") as [string, string, string];
    const flipped = `${s.slice(0, -2)}${s.at(-2) === "A" ? "B" : "A"}${s.at(-1)}`;
    expect(await me(`${h}.${p}.${flipped}`)).toEqual({ status: 401, body: { error: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" } });
    const expired = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setIssuer("urn:example:issuer").setAudience("urn:example:audience").setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(secret);
    expect(await me(expired)).toEqual({ status: 401, body: { error: "ERR_JWT_EXPIRED" } });
    const foreign = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setIssuer("urn:example:other").setAudience("urn:example:audience").sign(secret);
    expect(await me(foreign)).toEqual({ status: 401, body: { error: "ERR_JWT_CLAIM_VALIDATION_FAILED" } });
    expect(await me("")).toEqual({ status: 401, body: { error: "ERR_JWS_INVALID" } });
  });

  it("signs ES256 with an imported private JWK; the public key verifies it outside the edge", async () => {
    const r = await fetch(url("jose-app", "/es256"));
    expect(r.status).toBe(200);
    const { token, payload, publicJwk } = (await r.json()) as { token: string; payload: unknown; publicJwk: JWK };
    expect(payload).toEqual({ scope: "read", iss: "urn:example:issuer" });
    expect(publicJwk).not.toHaveProperty("d");
    const verified = await jwtVerify(token, await importJWK(publicJwk, "ES256"), { issuer: "urn:example:issuer" });
    expect(verified.protectedHeader).toEqual({ alg: "ES256", kid: "fixture" });
  });
});

describe("WebAssembly (a .wasm module import)", () => {
  it("instantiates add.wasm and answers as Cloudflare's example does", async () => {
    expect(await (await fetch(url("wasm-app", "/"))).text()).toBe("Success: 3");
    expect(await (await fetch(url("wasm-app", "/?a=20&b=22"))).text()).toBe("Success: 42");
    // i32 arithmetic wraps, as WebAssembly's add does.
    expect(await (await fetch(url("wasm-app", "/?a=2147483647&b=1"))).text()).toBe("Success: -2147483648");
  });

  it("printed its build on start: name, time and both sizes", () => {
    expect(servers.get("wasm-app")!.output()).toMatch(/built wasm-app in \d+ ms \(\d+\.\d KiB, \d+\.\d KiB gzip\)/);
  });
});
