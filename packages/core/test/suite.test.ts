import { memoryBackend } from "@dictstore/core";
import { runBackendSuite, runDifferentialTest } from "@dictstore/testing";

runBackendSuite({ name: "memory", create: () => memoryBackend() });
runDifferentialTest({ name: "memory", create: () => memoryBackend() });
