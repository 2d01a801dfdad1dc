/**
 * Structured JSON logs, one line each, to stderr. Values pass through `redact` so a token or an
 * owner's private field can never reach a log line by accident.
 */
export type Level = "debug" | "info" | "warn" | "error" | "silent";
export type Logger = Record<
  Exclude<Level, "silent">,
  (msg: string, fields?: Record<string, unknown>) => void
>;

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const SECRET = /token|authorization|password|secret|bankAccount|email|phone/i;

export function createLogger(
  service: string,
  level: Level = "info",
  write = (line: string) => console.error(line),
): Logger {
  const log =
    (at: Exclude<Level, "silent">) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[at] < ORDER[level]) return;
      write(JSON.stringify({ t: new Date().toISOString(), level: at, service, msg, ...redact(fields) }));
    };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, SECRET.test(k) ? "[redacted]" : v]));
}
