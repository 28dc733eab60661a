/**
 * Structured JSON logs, one object per line, keyed by update_id and chat.
 * No message text goes into a log unless LOG_MESSAGE_TEXT is on (it is off by default).
 * Workers Logs and `wrangler tail` index these fields.
 */
export type LogFields = Record<string, unknown> & { event: string };

export function logEvent(fields: LogFields): void {
  console.log(JSON.stringify({ level: "info", time: new Date().toISOString(), ...fields }));
}

export function logError(fields: LogFields & { error: unknown }): void {
  const { error, ...rest } = fields;
  const described = error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) };
  console.error(JSON.stringify({ level: "error", time: new Date().toISOString(), ...rest, error: described }));
}
