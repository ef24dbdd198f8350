import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";

interface Storage {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}
type RotateResult = { ok: true; refreshToken: string; familyId: string } | { ok: false; reason: string };
interface Families {
  issue(userId: string): Promise<{ refreshToken: string; familyId: string }>;
  rotate(refreshToken: string): Promise<RotateResult>;
  revokeFamily(familyId: string): Promise<void>;
}
type Make = (storage: Storage, newToken: () => string) => Families;

/** Durable Object-like storage whose every call yields, so interleavings are real. */
class YieldingStorage implements Storage {
  readonly #data = new Map<string, string>();
  async get(key: string): Promise<unknown> {
    await new Promise((r) => setImmediate(r));
    const v = this.#data.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as unknown);
  }
  async put(key: string, value: unknown): Promise<void> {
    await new Promise((r) => setImmediate(r));
    this.#data.set(key, JSON.stringify(value));
  }
}

/** The model: tokens by handle, each current or used, and which families are revoked. */
interface Model {
  tokens: Array<{ family: number; used: boolean }>;
  revoked: boolean[];
}
interface Real {
  families: Families;
  /** What a restarted object is rebuilt from: the same storage and token source. */
  restart: () => Families;
  tokens: string[];
  familyIds: string[];
}

function expectRotation(m: Model, handle: number): "ok" | "REUSED" | "REVOKED" {
  const t = m.tokens[handle]!;
  if (m.revoked[t.family]) return "REVOKED";
  if (t.used) {
    m.revoked[t.family] = true;
    return "REUSED";
  }
  t.used = true;
  m.tokens.push({ family: t.family, used: false });
  return "ok";
}

function outcome(r: RotateResult): string {
  return r.ok ? "ok" : r.reason;
}

class IssueCommand implements fc.AsyncCommand<Model, Real> {
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const out = await r.families.issue("user");
    m.revoked.push(false);
    m.tokens.push({ family: m.revoked.length - 1, used: false });
    r.familyIds.push(out.familyId);
    r.tokens.push(out.refreshToken);
  }
  toString = (): string => "issue()";
}

class RotateCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>): boolean => m.tokens.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const handle = this.pick % m.tokens.length;
    const expected = expectRotation(m, handle);
    const got = await r.families.rotate(r.tokens[handle]!);
    if (outcome(got) !== expected) throw new Error(`rotate(token #${handle}): expected ${expected}, got ${outcome(got)}`);
    if (got.ok) r.tokens.push(got.refreshToken);
  }
  toString = (): string => `rotate(#${this.pick})`;
}

class ConcurrentRotateCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>): boolean => m.tokens.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const handle = this.pick % m.tokens.length;
    // Two presentations of one token at once: whichever runs first is a rotation, the other a
    // reuse. The model only knows the pair, not the order.
    const first = expectRotation(m, handle);
    const second = expectRotation(m, handle);
    const got = await Promise.all([r.families.rotate(r.tokens[handle]!), r.families.rotate(r.tokens[handle]!)]);
    const outs = got.map(outcome).sort();
    const want = [first, second].sort();
    if (outs.join() !== want.join()) throw new Error(`concurrent rotate(token #${handle}) twice: expected {${want.join(", ")}}, got {${outs.join(", ")}}`);
    const fresh = got.find((g) => g.ok);
    if (fresh?.ok) r.tokens.push(fresh.refreshToken);
  }
  toString = (): string => `concurrentRotate(#${this.pick})`;
}

class RevokeCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>): boolean => m.revoked.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const family = this.pick % m.revoked.length;
    m.revoked[family] = true;
    await r.families.revokeFamily(r.familyIds[family]!);
  }
  toString = (): string => `revokeFamily(#${this.pick})`;
}

class UnknownTokenCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly token: string) {}
  check = (): boolean => true;
  async run(_m: Model, r: Real): Promise<void> {
    const got = await r.families.rotate(this.token);
    if (got.ok || got.reason !== "UNKNOWN") throw new Error(`rotate(${JSON.stringify(this.token)}, never issued): expected UNKNOWN, got ${outcome(got)}`);
    // Logging out a family that does not exist changes nothing (checked by the next commands).
    await r.families.revokeFamily(this.token);
  }
  toString = (): string => `rotate(${JSON.stringify(this.token)})`;
}

/** A Durable Object restarts (deploy, eviction): a new instance over the same storage. */
class RestartCommand implements fc.AsyncCommand<Model, Real> {
  check = (): boolean => true;
  async run(_m: Model, r: Real): Promise<void> {
    r.families = r.restart();
  }
  toString = (): string => "restart()";
}

const commands = fc.commands(
  [
    fc.constant(new IssueCommand()),
    fc.nat({ max: 40 }).map((p) => new RotateCommand(p)),
    fc.nat({ max: 40 }).map((p) => new RotateCommand(p)),
    fc.nat({ max: 40 }).map((p) => new ConcurrentRotateCommand(p)),
    fc.nat({ max: 5 }).map((p) => new RevokeCommand(p)),
    // Never-issued tokens: prototype names and the empty string are tokens like any other.
    fc.oneof(fc.constantFrom("__proto__", "constructor", "toString", "", "rt-", "family:rt-0"), fc.string({ maxLength: 4 }).map((t) => `forged-${t}`)).map((t) => new UnknownTokenCommand(t)),
    fc.constant(new RestartCommand()),
  ],
  { maxCommands: 25 },
);

function counterTokens(): () => string {
  let n = 0;
  return () => `rt-${(n++).toString(36)}`;
}

export const suite = defineLevel<Make>({
  kata: "q5-edge-jwt",
  level: 6,
  load: (m) => {
    const Ctor = requireExport<new (s: Storage, t: () => string) => Families>(m, "RefreshTokenFamilies", "class");
    return (s, t) => new Ctor(s, t);
  },
  probe: (make) => make(new YieldingStorage(), counterTokens()).issue("probe"),
  properties: [
    {
      name: "refresh tokens are single use; presenting a used one revokes its whole family, even when two presentations race, and all of it survives a restart (model-based)",
      run: (make, ctx) =>
        check(
          fc.asyncProperty(commands, async (cmds) => {
            const setup = (): { model: Model; real: Real } => {
              const storage = new YieldingStorage();
              const newToken = counterTokens();
              return { model: { tokens: [], revoked: [] }, real: { families: make(storage, newToken), restart: () => make(storage, newToken), tokens: [], familyIds: [] } };
            };
            await fc.asyncModelRun(setup, cmds);
          }),
          ctx,
          { numRuns: 120 },
        ),
    },
    {
      name: "a thousand logins never interfere: each first token rotates once into its own family, and only its own replay is REUSED",
      run: (make, ctx) =>
        check(
          fc.asyncProperty(fc.constant(1000), async (n) => {
            const families = make(new YieldingStorage(), counterTokens());
            const issued = await Promise.all(Array.from({ length: n }, (_, i) => families.issue(`user-${i}`)));
            for (const [i, { refreshToken, familyId }] of issued.entries()) {
              const r = await families.rotate(refreshToken);
              if (!r.ok || r.familyId !== familyId) throw new Error(`login ${i} of ${n}: rotating its first token ${JSON.stringify(refreshToken)} gave ${JSON.stringify(r)}; expected a new token of family ${JSON.stringify(familyId)}`);
            }
            const replay = await families.rotate(issued[n - 1]!.refreshToken);
            if (replay.ok || replay.reason !== "REUSED") throw new Error(`replaying a used token gave ${JSON.stringify(replay)}; expected REUSED`);
          }),
          ctx,
          { numRuns: 1 },
        ),
    },
  ],
});
