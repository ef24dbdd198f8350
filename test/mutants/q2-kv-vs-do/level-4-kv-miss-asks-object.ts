// Mutant: asks the Durable Object whenever KV has no copy, even for a visitor with no cookie ("a miss might be a write KV has not seen yet"), so every anonymous request pays a round trip to the object.
import type { DurableObjectFactory, DurableObjectNamespaceApi, DurableObjectStateApi, KvNamespaceApi } from "../../../src/core/bindings.js";
import { EdgeError } from "../../../src/core/errors.js";

export interface SessionEnv {
  KV: KvNamespaceApi;
  SESSIONS: DurableObjectNamespaceApi;
}

export interface SessionRecord {
  version: number;
  /** null once the user logged out. */
  data: string | null;
}

export const sessionObject: DurableObjectFactory = (state: DurableObjectStateApi) => ({
  async write(data: string | null): Promise<SessionRecord> {
    const current = (await state.storage.get<SessionRecord>("session")) ?? { version: 0, data: null };
    // A delete is a newer version with no data (a tombstone), not a missing record: a cookie
    // holding the tombstone's version can tell the deletion from a stale copy of the data.
    const next: SessionRecord = { version: current.version + 1, data };
    await state.storage.put("session", next);
    return next;
  },
  async read(): Promise<SessionRecord> {
    return (await state.storage.get<SessionRecord>("session")) ?? { version: 0, data: null };
  },
});

const kvKey = (id: string): string => `session:${id}`;

function versionIn(cookie: string | null): number {
  const match = /^v=(\d+)$/.exec(cookie ?? "");
  // Parsed as a number: "10" < "9" as strings.
  return match ? Number(match[1]) : 0;
}

async function writeThrough(env: SessionEnv, id: string, data: string | null, cookie: string | null): Promise<{ cookie: string }> {
  const record = (await env.SESSIONS.get(env.SESSIONS.idFromName(id)).call("write", data)) as SessionRecord;
  try {
    await env.KV.put(kvKey(id), JSON.stringify(record));
  } catch (error) {
    // KV refuses a second write within a second. The object already holds the truth and the
    // cookie forces a fallback until a copy this new reaches KV, so skipping is safe.
    if (!(error instanceof EdgeError && error.code === "KV_RATE_LIMITED")) throw error;
  }
  return { cookie: `v=${Math.max(record.version, versionIn(cookie))}` };
}

export function writeSession(env: SessionEnv, id: string, data: string, cookie: string | null): Promise<{ cookie: string }> {
  return writeThrough(env, id, data, cookie);
}

export function deleteSession(env: SessionEnv, id: string, cookie: string | null): Promise<{ cookie: string }> {
  return writeThrough(env, id, null, cookie);
}

export async function readSession(env: SessionEnv, id: string, cookie: string | null): Promise<{ data: string | null; cookie: string | null }> {
  const seen = versionIn(cookie);
  const copy = (await env.KV.get(kvKey(id), { type: "json", cacheTtl: 30 })) as SessionRecord | null;
  // The edge copy is good enough when it is no older than anything this user wrote or saw.
  if (copy !== null && copy.version >= seen) return { data: copy.data, cookie: `v=${copy.version}` };
  const record = (await env.SESSIONS.get(env.SESSIONS.idFromName(id)).call("read")) as SessionRecord;
  return { data: record.data, cookie: `v=${Math.max(record.version, seen)}` };
}
