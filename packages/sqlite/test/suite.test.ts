import { sqliteBackend } from "@dictstore/sqlite";
import { runBackendSuite, runDifferentialTest } from "@dictstore/testing";
import { tempDbPath } from "./support.ts";

// Every backend gets a fresh database file, so tests never see each other's stores.
runBackendSuite({ name: "sqlite", create: () => sqliteBackend({ path: tempDbPath() }) });
runDifferentialTest({ name: "sqlite", create: () => sqliteBackend({ path: tempDbPath() }) });
