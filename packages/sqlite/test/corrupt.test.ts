import { closeSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { createAsyncStore, createStore, isStoreError, type StoreError } from "@dictstore/core";
import { sqliteBackend } from "@dictstore/sqlite";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { tempDbPath } from "./support.ts";

/*
 * Damaged files, made for real: a file that is not a database, a truncated database, and a database
 * with pages overwritten. Every operation names the damage as CORRUPT (never BACKEND_UNAVAILABLE,
 * which callers retry), with the file's path and what to do.
 */

const VALUE = "x".repeat(300);

/** A real database written through the backend: `count` keys in store "s". */
function realDatabase(count = 2000): string {
  const path = tempDbPath();
  const backend = sqliteBackend({ path });
  const store = createStore({ backend, name: "s" });
  store.update(Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, `${VALUE}${i}`])));
  store.counter = 1;
  backend.dispose?.();
  return path;
}

/** The leaf pages of the entries table and of its indexes (which listings read), from SQLite's dbstat. */
function entryLeafPages(path: string): { pages: number[]; pageSize: number } {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    const rows = db
      .prepare(`SELECT pageno FROM dbstat WHERE pagetype = 'leaf' AND name IN
           (SELECT name FROM sqlite_master WHERE tbl_name = 'dictstore_entries')`)
      .all() as { pageno: number }[];
    return {
      pages: rows.map((row) => row.pageno),
      pageSize: db.pragma("page_size", { simple: true }) as number,
    };
  } finally {
    db.close();
  }
}

/** Overwrites whole pages (1-based numbers) of a file with bytes that are no b-tree page. */
function overwritePages(path: string, pages: readonly number[], pageSize: number): void {
  const fd = openSync(path, "r+");
  try {
    const junk = Buffer.alloc(pageSize, 0xa5);
    for (const page of pages) writeSync(fd, junk, 0, pageSize, (page - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

function caught(action: () => unknown): StoreError {
  try {
    action();
  } catch (error) {
    if (isStoreError(error)) return error;
    throw error;
  }
  throw new Error("expected a StoreError, nothing was thrown");
}

async function rejected(action: () => Promise<unknown>): Promise<StoreError> {
  try {
    await action();
  } catch (error) {
    if (isStoreError(error)) return error;
    throw error;
  }
  throw new Error("expected a StoreError, nothing was thrown");
}

function expectCorrupt(error: StoreError, path: string): void {
  expect(error.code, error.message).toBe("CORRUPT");
  expect(error.message).toContain(path);
  expect(error.message).toContain("Retrying will not help");
  expect(error.message).toContain(".recover");
}

describe("a damaged SQLite file is CORRUPT, named, at open", () => {
  it("a file that is not a database", () => {
    const path = tempDbPath("notes.db");
    writeFileSync(path, "These are my notes, not a database.\n".repeat(200));
    const before = readFileSync(path);
    expectCorrupt(
      caught(() => sqliteBackend({ path })),
      path,
    );
    // Nothing was written to it (no WAL switch, no tables).
    expect(readFileSync(path)).toEqual(before);
    expectCorrupt(
      caught(() => sqliteBackend({ path, readonly: true })),
      path,
    );
  });

  it("a truncated database", () => {
    const path = realDatabase();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    expectCorrupt(
      caught(() => sqliteBackend({ path })),
      path,
    );
  });

  it("a database with pages of its entries overwritten", () => {
    const path = realDatabase();
    const { pages, pageSize } = entryLeafPages(path);
    expect(pages.length).toBeGreaterThan(10);
    overwritePages(path, pages.slice(2, 5), pageSize);
    const error = caught(() => sqliteBackend({ path }));
    expectCorrupt(error, path);
    expect(error.message).toContain("quick_check");
  });

  it("opens a healthy file that was written, closed and reopened", () => {
    const path = realDatabase();
    const backend = sqliteBackend({ path });
    expect(createStore({ backend, name: "s" }).size).toBe(2001);
    backend.dispose?.();
  });
});

describe("damage met after open (check off, or a file larger than the check's bound) is CORRUPT everywhere", () => {
  /** A database whose every entry page is overwritten, opened without the check. */
  function damaged() {
    const path = realDatabase();
    const { pages, pageSize } = entryLeafPages(path);
    overwritePages(path, pages, pageSize);
    const backend = sqliteBackend({ path, integrityCheckMaxBytes: 0 });
    return { path, backend };
  }

  it("read, has, write, increment, delete and listing", async () => {
    const { path, backend } = damaged();
    try {
      const store = createStore<Record<string, unknown>>({ backend, name: "s" });
      expectCorrupt(
        caught(() => store.k1),
        path,
      );
      expectCorrupt(
        caught(() => "k2" in store),
        path,
      );
      expectCorrupt(
        caught(() => {
          store.k3 = "new";
        }),
        path,
      );
      expectCorrupt(
        caught(() => [...store.keys()]),
        path,
      );
      expectCorrupt(
        caught(() => store.pop("k4")),
        path,
      );
      expectCorrupt(await rejected(() => store.increment("counter")), path);
      const async = createAsyncStore({ backend, name: "s" });
      expectCorrupt(await rejected(() => async.get("k5")), path);
      expectCorrupt(await rejected(() => async.set("k6", 1)), path);
      expectCorrupt(await rejected(() => async.toObject()), path);
    } finally {
      backend.dispose?.();
    }
  });

  it("the check's bound is the file's size: a file over it opens, and fails on use", () => {
    const path = realDatabase();
    const { pages, pageSize } = entryLeafPages(path);
    overwritePages(path, pages, pageSize);
    const backend = sqliteBackend({ path, integrityCheckMaxBytes: 4096 });
    try {
      expectCorrupt(
        caught(() => [...createStore({ backend, name: "s" }).keys()]),
        path,
      );
    } finally {
      backend.dispose?.();
    }
  });
});
