import { ErrorBody } from "../contract/index.ts";

/** An error the CLI prints as one actionable line and exits 1 on. */
export class CliError extends Error {
  override name = "CliError";
}

export type Target = { url: string; token: string };

/**
 * The admin API over HTTP, as the CLI uses it. Failures become one line that says what to do:
 * a refused token names the variable, an unreachable service names the URL.
 */
export async function call<T>(target: Target, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, target.url), {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
    const why = cause?.code ?? cause?.errors?.[0]?.code ?? (error as Error).message;
    throw new CliError(
      `cannot reach the sync-worker at ${target.url} (${why}). Is it running? Set SYNC_URL or pass --url.`,
    );
  }
  const text = await res.text();
  if (res.status === 401 || res.status === 403) {
    throw new CliError(
      `the sync-worker at ${target.url} refused the token (${res.status}). Set ADMIN_TOKEN (or EVENTS_TOKEN for events) or pass --token-file.`,
    );
  }
  if (!res.ok) {
    const parsed = ErrorBody.safeParse(safeJson(text));
    throw new CliError(
      parsed.success
        ? `${parsed.data.error.code}: ${parsed.data.error.message}`
        : `the sync-worker answered ${res.status}`,
    );
  }
  return safeJson(text) as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
