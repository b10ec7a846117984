import { memoryBackend } from "@dictstore/core";
import { asAsyncBackend, runBackendSuite, runDifferentialTest } from "@dictstore/testing";

// The memory reference behind promises: runs the dict through a local view and the async API.
// A millisecond of latency per call lets writes pile up into batches, as they do over a network.
const create = () => asAsyncBackend(memoryBackend(), { latencyMs: 1 });
runBackendSuite({ name: "memory via local view", create });
runDifferentialTest({ name: "memory via local view", create, runs: 300 });
