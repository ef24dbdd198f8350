// Mutant: copies the record to KV without handling 429, so a second write to a session within a second (from any PoP) throws and the user's write fails, although the object already has it. (blind)
import type { DurableObjectFactory, DurableObjectNamespaceApi, DurableObjectStateApi, KvNamespaceApi } from "../../../src/core/bindings.js";

export interface SessionEnv {
  KV: KvNamespaceApi;
  SESSIONS: DurableObjectNamespaceApi;
}

export interface SessionRecord {
  version: number;
  /** null once the user logged out. */
  data: string | null;
}

const RECORD_KEY = "record";
const EMPTY: SessionRecord = { version: 0, data: null };

export const sessionObject: DurableObjectFactory = (state: DurableObjectStateApi) => ({
  async write(data: string | null): Promise<SessionRecord> {
    const current = (await state.storage.get<SessionRecord>(RECORD_KEY)) ?? EMPTY;
    const next: SessionRecord = { version: current.version + 1, data };
    await state.storage.put(RECORD_KEY, next);
    return next;
  },
  async read(): Promise<SessionRecord> {
    return (await state.storage.get<SessionRecord>(RECORD_KEY)) ?? EMPTY;
  },
});

const kvKey = (id: string): string => `session:${id}`;

function stubFor(env: SessionEnv, id: string) {
  return env.SESSIONS.get(env.SESSIONS.idFromName(id));
}

function cookieVersion(cookie: string | null): number {
  if (cookie === null) return 0;
  const n = Number.parseInt(cookie, 10);
  return Number.isFinite(n) ? n : 0;
}

/** Copies the record to KV; a refused copy (429) is skipped: the cookie makes readers fall back. */
async function copyToKv(env: SessionEnv, id: string, record: SessionRecord): Promise<void> {
  await env.KV.put(kvKey(id), JSON.stringify(record));
}

async function writeThrough(env: SessionEnv, id: string, data: string | null, cookie: string | null): Promise<{ cookie: string }> {
  const record = (await stubFor(env, id).call("write", data)) as SessionRecord;
  await copyToKv(env, id, record);
  return { cookie: String(Math.max(record.version, cookieVersion(cookie))) };
}

export async function writeSession(env: SessionEnv, id: string, data: string, cookie: string | null): Promise<{ cookie: string }> {
  return writeThrough(env, id, data, cookie);
}

export async function deleteSession(env: SessionEnv, id: string, cookie: string | null): Promise<{ cookie: string }> {
  return writeThrough(env, id, null, cookie);
}

export async function readSession(env: SessionEnv, id: string, cookie: string | null): Promise<{ data: string | null; cookie: string | null }> {
  const wanted = cookieVersion(cookie);
  const copy = ((await env.KV.get(kvKey(id), { type: "json" })) as SessionRecord | null) ?? EMPTY;
  if (copy.version >= wanted) return { data: copy.data, cookie: String(copy.version) };
  const record = (await stubFor(env, id).call("read")) as SessionRecord;
  await copyToKv(env, id, record);
  return { data: record.data, cookie: String(Math.max(record.version, wanted)) };
}
