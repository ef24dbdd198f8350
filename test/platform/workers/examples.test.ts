// Cloudflare's own example workers (developers.cloudflare.com/workers/examples), unmodified,
// run in the isolate runtime and, for the stateless ones, in the child-process baseline.
import { afterAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/sim/clock.js";
import { Worker, loadWorker, runInChildProcess } from "../../../src/workers/index.js";
import { FakeKv } from "./fakes.js";

const HELLO_WORLD = `
export default {
  async fetch(request) {
    return new Response("Hello World!");
  },
};`;

const RETURN_JSON = `
export default {
  async fetch(request) {
    const data = {
      hello: "world",
    };

    return Response.json(data);
  },
};`;

const REDIRECT = `
export default {
  async fetch(request) {
    const destinationURL = "https://example.com";
    const statusCode = 301;
    return Response.redirect(destinationURL, statusCode);
  },
};`;

const AB_TEST = `
const NAME = "myExampleWorkersABTest";

export default {
  async fetch(req) {
    const url = new URL(req.url);

    // Enable Passthrough to allow direct access to control and test routes.
    if (url.pathname.startsWith("/control") || url.pathname.startsWith("/test"))
      return fetch(req);

    // Determine which group this requester is in.
    const cookie = req.headers.get("cookie");

    if (cookie && cookie.includes(\`\${NAME}=control\`)) {
      url.pathname = "/control" + url.pathname;
    } else if (cookie && cookie.includes(\`\${NAME}=test\`)) {
      url.pathname = "/test" + url.pathname;
    } else {
      // If there is no cookie, this is a new client. Choose a group and set the cookie.
      const group = Math.random() < 0.5 ? "test" : "control"; // 50/50 split
      if (group === "control") {
        url.pathname = "/control" + url.pathname;
      } else {
        url.pathname = "/test" + url.pathname;
      }
      // Reconstruct response to avoid immutability
      let res = await fetch(url);
      res = new Response(res.body, res);
      // Set cookie to enable persistent A/B sessions.
      res.headers.append("Set-Cookie", \`\${NAME}=\${group}; path=/\`);
      return res;
    }
    return fetch(url);
  },
};`;

const KV_COUNTER = `
export default {
  async fetch(request, env, ctx) {
    const key = new URL(request.url).pathname;
    const count = Number((await env.COUNTER.get(key)) ?? "0") + 1;
    await env.COUNTER.put(key, String(count), { metadata: { by: "worker" } });
    const listed = await env.COUNTER.list({ prefix: "/" });
    return Response.json({ key, count, keys: listed.keys.map((k) => k.name) });
  },
};`;

const clock = new VirtualClock(1_700_000_000_000);
const origin = async (request: Request): Promise<Response> => new Response(`origin saw ${new URL(request.url).pathname}`);
const workers: Worker[] = [];
const deploy = (source: string, name: string, extra: Partial<Parameters<typeof loadWorker>[1]> = {}): Worker => {
  // A generous CPU budget: CPU is not the question here, and a loaded machine is slow.
  const w = loadWorker(source, { name, cpuMsMax: 1_000, ...extra }, { clock, origin });
  workers.push(w);
  return w;
};
afterAll(() => workers.forEach((w) => w.dispose()));

describe("Cloudflare example workers run unmodified", () => {
  it("hello world: answers 200 'Hello World!' with a text content type", async () => {
    const r = await deploy(HELLO_WORLD, "hello").fetch(new Request("https://example.com/"));
    expect(r.outcome).toBe("ok");
    expect(r.response.status).toBe(200);
    expect(r.response.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
    expect(await r.response.text()).toBe("Hello World!");
  });

  it("return JSON: Response.json sets application/json and serialises the body", async () => {
    const r = await deploy(RETURN_JSON, "json").fetch(new Request("https://example.com/"));
    expect(r.response.headers.get("content-type")).toBe("application/json");
    expect(await r.response.json()).toEqual({ hello: "world" });
  });

  it("redirect: Response.redirect answers 301 with a Location header", async () => {
    const r = await deploy(REDIRECT, "redirect").fetch(new Request("https://example.com/anything"));
    expect(r.response.status).toBe(301);
    expect(r.response.headers.get("location")).toBe("https://example.com/");
  });

  it("A/B test: a new visitor gets a group cookie, a returning one keeps its group", async () => {
    const w = deploy(AB_TEST, "ab");
    const first = await w.fetch(new Request("https://example.com/page"));
    const cookie = first.response.headers.get("set-cookie") ?? "";
    const group = /myExampleWorkersABTest=(test|control)/.exec(cookie)?.[1];
    expect(group).toBeDefined();
    expect(await first.response.text()).toBe(`origin saw /${group}/page`);
    const again = await w.fetch(new Request("https://example.com/page", { headers: { cookie: `myExampleWorkersABTest=${group}` } }));
    expect(again.response.headers.get("set-cookie")).toBeNull();
    expect(await again.response.text()).toBe(`origin saw /${group}/page`);
    const control = await w.fetch(new Request("https://example.com/control/x"));
    expect(await control.response.text()).toBe("origin saw /control/x");
  });

  it("KV counter: reads, increments and lists through the host KV binding", async () => {
    const kv = new FakeKv();
    const w = deploy(KV_COUNTER, "counter", { kvNamespaces: { COUNTER: kv } });
    for (let i = 1; i <= 3; i++) {
      const r = await w.fetch(new Request("https://example.com/a"));
      expect(await r.response.json()).toEqual({ key: "/a", count: i, keys: ["/a"] });
    }
    await w.fetch(new Request("https://example.com/b"));
    expect(kv.data.get("/a")?.value).toBe("3");
    expect(kv.data.get("/a")?.metadata).toEqual({ by: "worker" });
    expect([...kv.data.keys()].sort()).toEqual(["/a", "/b"]);
  });
});

describe("request metadata", () => {
  it("request.cf.colo names the PoP given by the edge", async () => {
    const w = deploy(`export default { fetch(request) { return new Response(request.cf?.colo ?? "none"); } };`, "colo");
    expect(await (await w.fetch(new Request("https://example.com/"), { pop: "LHR" })).response.text()).toBe("LHR");
    expect(await (await w.fetch(new Request("https://example.com/"))).response.text()).toBe("none");
  });
});

describe("the child-process baseline", () => {
  it("answers the same status, headers and body as the isolate for the same worker", async () => {
    for (const [source, url] of [[RETURN_JSON, "https://example.com/"], [REDIRECT, "https://example.com/x"]] as const) {
      const isolate = await deploy(source, "same").fetch(new Request(url));
      const child = await runInChildProcess(source, new Request(url));
      expect(child.response.status).toBe(isolate.response.status);
      expect(child.response.headers.get("content-type")).toBe(isolate.response.headers.get("content-type"));
      expect(child.response.headers.get("location")).toBe(isolate.response.headers.get("location"));
      expect(await child.response.text()).toBe(await isolate.response.text());
      expect(child.wallMs).toBeGreaterThan(0);
    }
  });
});
