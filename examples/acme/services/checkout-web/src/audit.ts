/* polic: begin implements audit-logging.security-events */
export type Event = { at: string; action: string; detail: Record<string, unknown> };

export function audit(action: string, detail: Record<string, unknown>): Event {
  const event = { at: new Date().toISOString(), action, detail };
  process.stdout.write(JSON.stringify(event) + "\n");
  return event;
}
/* polic: end */
