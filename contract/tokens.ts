import { z } from "zod";

/**
 * The shared secrets between the services (docs/security.md lists who holds each), and the one
 * policy they follow. Development defaults exist only in local mode, `LOCAL_DEV=1`, which `npm
 * start`, the dev scripts, `.dev.vars` and the test harness set; anywhere else each token a service
 * needs must be set, at least 32 characters, different from the others, and made only of characters
 * an `Authorization: Bearer` header can carry (RFC 6750's b64token).
 */
export const DEV_TOKENS = {
  EVENTS_TOKEN: "dev-events-token",
  ADMIN_TOKEN: "dev-admin-token",
  STATE_TOKEN: "dev-state-token",
  METRICS_TOKEN: "dev-metrics-token",
} as const;
export type TokenName = keyof typeof DEV_TOKENS;
export const MIN_TOKEN_LENGTH = 32;
const B64TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

/** Raw token variables as a schema reads them: checked together, after the rest (see `tokens`). */
export const TokenVars = {
  LOCAL_DEV: z.stringbool().default(false),
  EVENTS_TOKEN: z.string().optional(),
  ADMIN_TOKEN: z.string().optional(),
  STATE_TOKEN: z.string().optional(),
  METRICS_TOKEN: z.string().optional(),
};

export type TokenProblem = { name: TokenName; message: string };

/**
 * Each needed token's value, or null with the reason. `required` tokens have a development default
 * in local mode and are a problem when missing elsewhere; `optional` ones (METRICS_TOKEN) are null
 * when unset, which closes what they guard outside local mode.
 */
export function resolveTokens(
  env: Partial<Record<TokenName, string>> & { LOCAL_DEV?: boolean; NODE_ENV?: string },
  required: readonly TokenName[],
  optional: readonly TokenName[] = [],
): { values: Record<TokenName, string | null>; problems: TokenProblem[] } {
  const local = env.LOCAL_DEV === true;
  const values = {} as Record<TokenName, string | null>;
  const problems: TokenProblem[] = [];
  const seen = new Map<string, TokenName>();
  for (const name of [...required, ...optional]) {
    const given = env[name];
    const problem = (message: string) => {
      problems.push({ name, message });
      values[name] = null;
    };
    if (given === undefined) {
      if (local) values[name] = DEV_TOKENS[name];
      else if (required.includes(name))
        problem(`is required: a secret of ${MIN_TOKEN_LENGTH}+ characters (or LOCAL_DEV=1 on a dev machine)`);
      else values[name] = null;
      continue;
    }
    if (!B64TOKEN.test(given))
      problem("only letters, digits and - . _ ~ + / (then =) fit in a bearer header");
    else if (!local && given === DEV_TOKENS[name])
      problem("the development default is accepted only with LOCAL_DEV=1");
    else if (!local && given.length < MIN_TOKEN_LENGTH)
      problem(`must be at least ${MIN_TOKEN_LENGTH} characters (it is ${given.length})`);
    else if (given.length < 8) problem("must be at least 8 characters");
    else if (seen.has(given)) problem(`must differ from ${seen.get(given)}: each token is one role`);
    else values[name] = given;
    seen.set(given, seen.get(given) ?? name);
  }
  if (local && env.NODE_ENV === "production")
    problems.push({ name: "LOCAL_DEV" as TokenName, message: "cannot be set with NODE_ENV=production" });
  return { values, problems };
}

/**
 * A schema transform resolving `required` and `optional` tokens. `strict` (server runtimes) turns
 * each problem into an issue naming the variable, so the process refuses to start; a Worker cannot
 * refuse to start, so there the token is null and what it guards answers 503 `not_configured`.
 */
export function tokens<N extends TokenName>(required: readonly N[], optional: readonly N[], strict: boolean) {
  return <E extends Partial<Record<TokenName, string>> & { LOCAL_DEV: boolean; NODE_ENV?: string }>(
    env: E,
    ctx: z.RefinementCtx,
  ): Omit<E, N> & Record<N, string | null> & { tokenProblems: string[] } => {
    const { values, problems } = resolveTokens(env, required, optional);
    if (strict)
      for (const p of problems) ctx.addIssue({ code: "custom", path: [p.name], message: p.message });
    return {
      ...env,
      ...(values as Record<N, string | null>),
      tokenProblems: problems.map((p) => `${p.name} ${p.message}`),
    };
  };
}
