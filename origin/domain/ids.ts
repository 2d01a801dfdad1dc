/** Random, URL- and key-safe ids with a readable type prefix (`s_…` shop, `m_…` menu …). */
export function newId(prefix: "o" | "s" | "m" | "a"): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
}
