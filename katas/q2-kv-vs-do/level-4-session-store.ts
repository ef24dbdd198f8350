// Q2 · level 4 · Session store with read-your-writes
// Sessions are read on every request and written rarely, so reading them from KV at the edge
// is fast and cheap. But a user who changes a setting in London and opens the next page in
// Paris must see the change, and KV may serve Paris a copy as old as its cacheTtl (60 s by
// default) — or, rarely, serve even London its previous copy. The fix: writes
// go through a Durable Object (the session's single source of truth), which numbers them;
// the user carries the last version they wrote or saw in a cookie; a read uses the KV copy
// only when it is at least that version, and asks the object otherwise.
//
// Implement:
//   (a) `sessionObject`: a Durable Object factory with `write(data: string | null)` → the new
//       `{ version, data }` (null data = logged out) and `read()` → the current record.
//   (b) `writeSession(env, id, data, cookie)`, `deleteSession(env, id, cookie)` → `{ cookie }`,
//       and `readSession(env, id, cookie)` → `{ data, cookie }`: the Worker side in one PoP.
// Properties: every read returns the data of the user's latest write (null before the first
// write and after a delete) — read-your-writes and monotonic reads — whichever PoP serves
// it; no write fails; and once KV's cached copies have timed out, reads make no Durable
// Object call. Several clients (a phone and a laptop) may share one session, each with its
// own cookie: a client never reads an older version than one it has already read, even one
// the other client wrote.
// Constraints: KV takes 1 write per second per key, from all PoPs together (429 beyond); the
// cookie is an opaque string you choose; the suite hands back exactly the cookie you last
// returned.
// Hints: `npm run kata -- hint q2/4`. Grade: `npm run kata -- check q2/4`.
import type { DurableObjectFactory, DurableObjectNamespaceApi, DurableObjectStateApi, KvNamespaceApi } from "../../src/core/bindings.js";
import { NotImplemented } from "../../src/kata/not-implemented.js";

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
    // TODO: store the next version of the record in state.storage and return it.
    throw new NotImplemented("sessionObject.write");
  },
  async read(): Promise<SessionRecord> {
    // TODO: return the current record ({ version: 0, data: null } when none).
    throw new NotImplemented("sessionObject.read");
  },
});

export async function writeSession(env: SessionEnv, id: string, data: string, cookie: string | null): Promise<{ cookie: string }> {
  // TODO: write through the object, copy the record to KV, return a cookie with its version.
  throw new NotImplemented("writeSession");
}

export async function deleteSession(env: SessionEnv, id: string, cookie: string | null): Promise<{ cookie: string }> {
  // TODO: a logout is a write too.
  throw new NotImplemented("deleteSession");
}

export async function readSession(env: SessionEnv, id: string, cookie: string | null): Promise<{ data: string | null; cookie: string | null }> {
  // TODO: serve the KV copy when it is at least the cookie's version; otherwise ask the object.
  throw new NotImplemented("readSession");
}
