import type { Backend, StoreLimits } from "@dictstore/core";

/** What every API route needs. */
export interface ApiContext {
  readonly backend: Backend;
  readonly readOnly: boolean;
  readonly limits: StoreLimits;
  /** Default records per page. */
  readonly pageSize: number;
  /** The largest request body accepted, in bytes. */
  readonly bodyLimit: number;
}
