import type { Example } from "../lib/define-example.ts";
import { example as helloWorld } from "./00-hello-world.ts";
import { example as save } from "./01-save.ts";
import { example as keys } from "./02-keys.ts";
import { example as existence } from "./03-existence.ts";
import { example as get } from "./04-get.ts";
import { example as getWithDefault } from "./05-get-with-default.ts";
import { example as exportAllRecords } from "./06-export-all-records.ts";
import { example as updateAndEmptyString } from "./07-update-and-empty-string.ts";
import { example as nestedWrongWay } from "./08-nested-wrong-way.ts";
import { example as nestedRightWay } from "./09-nested-right-way.ts";
import { example as deleteRecord } from "./10-delete.ts";
import { example as clear } from "./11-clear.ts";
import { example as counter } from "./12-counter.ts";
import { example as dedupe } from "./13-dedupe.ts";

/** Every example of the seed's "Using Data Stores", in the seed's order. */
export const seedExamples: readonly Example[] = [
  helloWorld,
  save,
  keys,
  existence,
  get,
  getWithDefault,
  exportAllRecords,
  updateAndEmptyString,
  nestedWrongWay,
  nestedRightWay,
  deleteRecord,
  clear,
  counter,
  dedupe,
];
