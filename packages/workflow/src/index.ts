export { setBigStoreWarning } from "./big-store-warning.ts";
export type { CodeNodeOptions, DataStoreOf, ItemOf } from "./code-node.ts";
export { codeNode, StepFailedError } from "./code-node.ts";
export { defineStep, isStep } from "./define-step.ts";
export { runStep } from "./run-step.ts";
export type { StepOutput, WorkflowResult, WorkflowStep, WorkflowTrigger } from "./run-workflow.ts";
export { runWorkflow } from "./run-workflow.ts";
export type { ScheduleOptions, ScheduleSummary } from "./schedule.ts";
export { runOnSchedule } from "./schedule.ts";
export { closeStores } from "./stores.ts";
export type {
  CommitMode,
  Isolation,
  Pd,
  PlainInputs,
  Step,
  StepContext,
  StepError,
  StepErrorKind,
  StepFailure,
  StepHandler,
  StepIdempotency,
  StepLog,
  StepMeta,
  StepOptions,
  StepPhase,
  StepResult,
  StepSuccess,
  StoreInput,
  StoreInputName,
  StoreInputs,
  StoreSpec,
} from "./types.ts";
export type { HttpEvent, WebhookOptions } from "./webhook.ts";
export { createWebhookHandler } from "./webhook.ts";
