import { RESERVED_KEYS } from "../reserved.ts";

/*
 * A cheap pre-check that runs before the method lookup on every property read. Each reserved name
 * is filed under its (first character, length) and the table keeps its last character, so a data
 * key passes only when it shares all three with a reserved name. With the first two alone,
 * "status" (like "setTtl") and "absent" (like "append") paid a hash lookup on every read. A bucket
 * that two reserved names share holds ANY: every key of that shape is then looked up.
 */
const ANY = 0xffff;
const MAX_LENGTH = 32;
/*
 * Built on first use, not at import: this module is imported by the store core, which the modules
 * that define the reserved methods import in turn, so RESERVED_KEYS may not exist yet at import.
 */
let LAST_CHAR: Uint16Array | undefined;

function buildShapes(): Uint16Array {
  const table = new Uint16Array(128 * MAX_LENGTH);
  for (const name of RESERVED_KEYS) noteReservedShape(table, name);
  LAST_CHAR = table;
  return table;
}

function noteReservedShape(table: Uint16Array, name: string): void {
  const first = name.charCodeAt(0);
  const length = name.length;
  if (!(first < 128 && length > 0 && length < MAX_LENGTH)) {
    throw new Error(
      `[@dictstore/core] internal: reserved name ${JSON.stringify(name)} is not a short ASCII name.`,
    );
  }
  const bucket = first * MAX_LENGTH + length;
  const last = name.charCodeAt(length - 1);
  const held = table[bucket] as number;
  table[bucket] = held === 0 || held === last ? last : ANY;
}

/** False for most data keys, at once; true for every reserved name (and a few keys shaped like one). */
export function mayBeReserved(name: string): boolean {
  const length = name.length;
  if (length === 0 || length >= MAX_LENGTH) return false;
  const first = name.charCodeAt(0);
  if (first >= 128) return false;
  const last = (LAST_CHAR ?? buildShapes())[first * MAX_LENGTH + length] as number;
  return last !== 0 && (last === ANY || last === name.charCodeAt(length - 1));
}
