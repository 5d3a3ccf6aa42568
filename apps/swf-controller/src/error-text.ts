/**
 * A short description of any error for logs, events and status messages: its message, and its
 * code (an HTTP status, a gRPC status number or a Node error code such as `ECONNRESET`) when the
 * message does not already say it.
 */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  const found = statusCode ?? code;
  if (found === undefined || found === null || error.message.includes(String(found))) return error.message;
  return `${error.message} (${String(found)})`;
}
