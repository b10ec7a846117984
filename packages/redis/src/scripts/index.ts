import { changesScript } from "./changes.ts";
import { clearScript } from "./clear.ts";
import { commitScript } from "./commit.ts";
import { countScript } from "./count.ts";
import { deleteScript } from "./delete.ts";
import {
  dirCreateScript,
  dirGetScript,
  dirLockScript,
  dirSettleScript,
  dropMetaScript,
  initScript,
  renameMetaScript,
} from "./directory-scripts.ts";
import { incrementScript } from "./increment.ts";
import { incrementFastScript } from "./increment-fast.ts";
import { listScript } from "./list.ts";
import { loadScript } from "./load.ts";
import { readScript } from "./read.ts";
import type { AnyScript } from "./script.ts";
import { setScript } from "./set.ts";
import { setTtlScript } from "./set-ttl.ts";

/** Every script, defined on each client the backend uses. */
export const ALL_SCRIPTS: readonly AnyScript[] = [
  readScript,
  commitScript,
  setScript,
  deleteScript,
  setTtlScript,
  clearScript,
  countScript,
  changesScript,
  listScript,
  loadScript,
  incrementScript,
  incrementFastScript,
  initScript,
  renameMetaScript,
  dropMetaScript,
  dirGetScript,
  dirCreateScript,
  dirLockScript,
  dirSettleScript,
] as readonly AnyScript[];
