import { z } from "zod";

/** The one error body every service answers with. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Stable codes clients can switch on; the HTTP status belongs to the code, so it is mapped once. */
export const errorStatus = {
  invalid_json: 400,
  validation_failed: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  rate_limited: 429,
  origin_unavailable: 503,
  unavailable: 503,
  /** A secret the route needs is not set (a Worker cannot refuse to start without it). */
  not_configured: 503,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details;
  }
  get status(): (typeof errorStatus)[ErrorCode] {
    return errorStatus[this.code];
  }
  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export type FieldIssue = { field: string; message: string };

/** Flattens zod issues to `{field, message}` so a client sees which field was wrong. */
export function fieldIssues(error: z.ZodError, prefix = ""): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return { field: [prefix, path].filter(Boolean).join(".") || "(root)", message: issue.message };
  });
}

export function validationError(where: string, error: z.ZodError, prefix = ""): AppError {
  const issues = fieldIssues(error, prefix);
  const first = issues[0];
  const summary = first ? `${first.field}: ${first.message}` : "invalid input";
  return new AppError("validation_failed", `Invalid ${where}: ${summary}`, { details: issues });
}

/** Parses `input` with `schema`, throwing a 400 that names the field instead of a bare ZodError. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(where, result.error);
  return result.data;
}
