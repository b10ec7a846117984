import { type BackendContract, isSyncBackend } from "@dictstore/core";
import { it } from "vitest";
import { hideFastPaths } from "../hide-fast-paths.ts";
import type { BackendSuiteOptions } from "./options.ts";

/** A backend on loan to one test; `release` disposes of it. */
export interface BackendLease {
  /** The backend under test: as created, or with its fast paths hidden. */
  readonly backend: BackendContract;
  release(): Promise<void>;
}

/**
 * What every section of the suite registers its tests through: skips are applied here (by id or
 * full title, reason shown in the test name) and backends are created and disposed here.
 */
export class SuiteEnv {
  /** Whether the backend is synchronous; learned from the first backend created, `undefined` until then. */
  knownSync: boolean | undefined;
  /** Every id and full title registered so far, to check skip rules against. */
  private readonly registered = new Set<string>();

  /** With `fastPaths: "hidden"`, every backend is handed out with its optional fast paths hidden. */
  constructor(
    readonly options: BackendSuiteOptions,
    readonly fastPaths: "present" | "hidden" = "present",
  ) {}

  /** Registers one test, or a visibly skipped placeholder when a skip rule names it. */
  test(id: string, title: string, body: () => Promise<void>, timeoutMs?: number): void {
    const fullTitle = `${id} ${title}`;
    if (this.registered.has(id)) throw new Error(`[@dictstore/testing] duplicate test id ${id}`);
    this.registered.add(id);
    this.registered.add(fullTitle);
    const rule = this.options.skip?.find((r) => r.tests.includes(id) || r.tests.includes(fullTitle));
    if (rule !== undefined) {
      it.skip(`${fullTitle} [skipped on ${this.options.name}: ${rule.reason}]`, body);
      return;
    }
    it(fullTitle, body, timeoutMs);
  }

  /** Creates a fresh backend through the suite options. */
  async acquire(): Promise<BackendLease> {
    const backend = await this.options.create();
    this.knownSync = isSyncBackend(backend);
    const dispose = this.options.dispose;
    return {
      backend: this.fastPaths === "hidden" ? hideFastPaths(backend) : backend,
      release: async () => {
        if (dispose !== undefined) await dispose(backend);
        else await backend.dispose?.();
      },
    };
  }

  /** Throws when a skip rule names no test, so a typo never silently runs (or hides) nothing. */
  assertSkipsMatched(): void {
    for (const rule of this.options.skip ?? []) {
      const unknown = rule.tests.filter((t) => !this.registered.has(t));
      if (unknown.length > 0) {
        throw new Error(
          `[@dictstore/testing] skip rule "${rule.reason}" names unknown tests: ${unknown.join(", ")}`,
        );
      }
    }
  }
}
