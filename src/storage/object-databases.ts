import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ObjectDatabase, type ObjectDatabaseOptions } from "./object-database.js";
import type { ObjectKey } from "./storage-engine.js";

/** Everything an object database needs except where it lives. */
export type DatabaseSettings = Omit<ObjectDatabaseOptions, "path" | "name">;

/** Where SQLite-backed Durable Objects keep their databases: one per object. */
export interface ObjectDatabases {
  open(object: ObjectKey): ObjectDatabase;
  close(): void;
}

/**
 * One in-memory SQLite database per object, for simulations. The databases outlive instances,
 * as durable storage does; there is one per object the simulation ever touched, which a
 * simulation bounds by the objects it creates.
 */
export class MemoryObjectDatabases implements ObjectDatabases {
  readonly #settings: DatabaseSettings;
  readonly #open = new Map<string, ObjectDatabase>();

  constructor(settings: DatabaseSettings) {
    this.#settings = settings;
  }

  open(object: ObjectKey): ObjectDatabase {
    const name = `${object.namespace}\u0000${object.objectId}`;
    let db = this.#open.get(name);
    if (db === undefined) {
      db = ObjectDatabase.open({ ...this.#settings, path: ":memory:", name });
      this.#open.set(name, db);
    }
    return db;
  }

  close(): void {
    for (const db of this.#open.values()) db.close();
    this.#open.clear();
  }
}

/**
 * One SQLite file per object under `dir` (`<namespace>/<id>.sqlite`, the namespace
 * percent-encoded), for the real server. A handle stays open from an object's first call until
 * the server closes: one file handle (three with the WAL) per object touched since start.
 */
export class FileObjectDatabases implements ObjectDatabases {
  readonly #dir: string;
  readonly #settings: DatabaseSettings;
  readonly #open = new Map<string, ObjectDatabase>();

  constructor(dir: string, settings: DatabaseSettings) {
    this.#dir = dir;
    this.#settings = settings;
  }

  open(object: ObjectKey): ObjectDatabase {
    const folder = join(this.#dir, encodeURIComponent(object.namespace));
    const path = join(folder, `${encodeURIComponent(object.objectId)}.sqlite`);
    let db = this.#open.get(path);
    if (db === undefined) {
      mkdirSync(folder, { recursive: true });
      db = ObjectDatabase.open({ ...this.#settings, path, name: `${object.namespace}\u0000${object.objectId}` });
      this.#open.set(path, db);
    }
    return db;
  }

  close(): void {
    for (const db of this.#open.values()) db.close();
    this.#open.clear();
  }
}
