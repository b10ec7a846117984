import { memoryBackend } from "@dictstore/core";
import { asAsyncBackend, runBackendSuite, runDifferentialTest } from "@dictstore/testing";

// The memory reference behind promises: runs the dict through a local view and the async API.
const create = () => asAsyncBackend(memoryBackend(undefined));
runBackendSuite({ name: "memory via local view", create });
runDifferentialTest({ name: "memory via local view", create });
