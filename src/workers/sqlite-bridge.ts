import type { DurableObjectStateApi } from "../core/bindings.js";
import { SqliteDurableObjectStorage } from "../durable-objects/sqlite-object-storage.js";
import type { SqlStorageValue } from "../durable-objects/sql-storage.js";

/** What one `sql.exec()` returns to the isolate: plain, copyable data. */
interface ExecWire {
  columnNames: string[];
  rows: SqlStorageValue[][];
  rowsWritten: number;
}

const holds = new WeakMap<SqliteDurableObjectStorage, Array<{ end(commit: boolean): void }>>();

/**
 * The host side of a SQLite-backed Durable Object's synchronous storage calls from its isolate
 * (`do.sql`): each runs at once on the object's database and returns copyable data. The isolate
 * commits the implicit transaction itself at its next microtask (`commit`), which is where
 * Cloudflare's automatic write coalescing ends a transaction.
 */
export function sqliteCall(state: DurableObjectStateApi | undefined, op: string, args: unknown[]): unknown {
  const storage = state?.storage;
  if (!(storage instanceof SqliteDurableObjectStorage)) throw new TypeError(`storage.${op}: this Durable Object is not SQLite-backed`);
  storage.commitMode = "external";
  const kv = storage.kv;
  switch (op) {
    case "exec": {
      const cursor = storage.sql.exec(String(args[0]), ...(Array.isArray(args[1]) ? args[1] : []));
      return { columnNames: cursor.columnNames, rows: cursor.raw().toArray(), rowsWritten: cursor.rowsWritten } satisfies ExecWire;
    }
    case "databaseSize":
      return storage.sql.databaseSize;
    case "kv.get":
      return kv.get(args[0] as string);
    case "kv.getMany":
      return [...kv.getMany(args[0] as string[])];
    case "kv.put":
      return kv.put(args[0] as string, args[1]);
    case "kv.putMany":
      return kv.putMany(args[0] as Array<[string, unknown]>);
    case "kv.delete":
      return kv.delete(args[0] as string);
    case "kv.deleteMany":
      return kv.deleteMany(args[0] as string[]);
    case "kv.list":
      return kv.list(args[0] as never);
    case "deleteAll":
      return storage.apply((db) => db.deleteAll());
    case "commit":
      return storage.flush();
    case "hold": {
      const stack = holds.get(storage) ?? [];
      stack.push(storage.holdTransaction());
      holds.set(storage, stack);
      return undefined;
    }
    case "release":
      return holds.get(storage)?.pop()?.end(args[0] === true);
    case "getCurrentBookmark":
      return storage.currentBookmarkNow();
    case "getBookmarkForTime":
      return storage.apply((db) => db.bookmarkForTime(Number(args[0])));
    case "onNextSessionRestoreBookmark":
      return storage.apply((db) => db.restoreOnNextSession(String(args[0])));
    case "abort":
      return state?.abort?.(typeof args[0] === "string" ? args[0] : undefined);
    default:
      throw new TypeError(`unknown SQLite storage operation "${op}"`);
  }
}
