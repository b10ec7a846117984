import { type Backend, backendFromUrl, storeUrlFromEnv } from "@dictstore/core";

/** Which backend URL a run uses: `--url`, else `DICTSTORE_URL`, else the embedded SQLite file under `cwd`. */
export function resolveUrl(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string {
  if (flag !== undefined && flag.trim() !== "") return flag;
  return storeUrlFromEnv(env, cwd);
}

/** Opens the backend a URL names (backends load lazily, so memory and Redis users need no SQLite build). */
export function openBackend(url: string, cwd: string): Promise<Backend> {
  return backendFromUrl(url, { cwd });
}
