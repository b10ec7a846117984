export { jobFailure, retryableInJob, UnrecoverableStepError } from "./failure.ts";
export type { ScheduleStepOptions, StepSchedule } from "./schedule.ts";
export { scheduleStep } from "./schedule.ts";
export type { StepProcessor, StepProcessorOptions } from "./step-processor.ts";
export { DEFAULT_IDEMPOTENCY_TTL_MS, jobIdempotencyKey, stepProcessor } from "./step-processor.ts";
export type { ProcessorStoreInput } from "./stores.ts";
