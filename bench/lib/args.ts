import { parseArgs } from "node:util";

type Defaults = Record<string, string | boolean | undefined>;
type Values<D extends Defaults> = {
  [K in keyof D]: D[K] extends boolean ? boolean : D[K] extends string ? string : string | undefined;
};

/**
 * Every bench script's flags, read one way: `--name value` with the default given here (a string,
 * as typed on the command line; `false` for a switch; `undefined` for an optional value). An unknown
 * flag or a missing value fails at once with its name, and `--help` lists the flags with their
 * defaults — instead of a run that ignores a typo and measures the default.
 */
export function benchArgs<const D extends Defaults>(defaults: D, argv = process.argv.slice(2)): Values<D> {
  const options = Object.fromEntries(
    Object.entries(defaults).map(([name, value]) => [
      name,
      typeof value === "boolean"
        ? { type: "boolean" as const, default: value }
        : { type: "string" as const, ...(value === undefined ? {} : { default: value }) },
    ]),
  );
  if (argv.includes("--help")) {
    for (const [name, value] of Object.entries(defaults))
      console.log(`  --${name}${typeof value === "boolean" ? "" : ` (default: ${value ?? "none"})`}`);
    process.exit(0);
  }
  return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Values<D>;
}

/** A comma-separated list of numbers (`--shops 2000,100000`: one run per size); throws naming the flag. */
export function numbers(value: string, flag: string): number[] {
  const list = value.split(",").map((v) => Number(v.trim()));
  if (list.length === 0 || list.some((n) => !Number.isFinite(n)))
    throw new Error(`--${flag} takes numbers separated by commas, not "${value}"`);
  return list;
}
