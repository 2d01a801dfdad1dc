export * from "./origin-client.ts";
export * from "./origin-policy.ts";
