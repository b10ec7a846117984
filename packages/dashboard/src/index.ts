export type {
  EditFormat,
  ErrorResponse,
  InfoResponse,
  RecordResponse,
  RecordRow,
  RecordsResponse,
  RichType,
  SaveRecordRequest,
  StoreSummary,
  StoresResponse,
  ViewNode,
} from "./api-types.ts";
export { CSRF_HEADER } from "./api-types.ts";
export type { DashboardHandler } from "./handler.ts";
export { createDashboardHandler } from "./handler.ts";
export type { DashboardHandlerOptions, DashboardServer, StartDashboardOptions } from "./options.ts";
export { generateToken } from "./security/token.ts";
export { startDashboard } from "./server.ts";
