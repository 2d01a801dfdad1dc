export * from "./detail.ts";
export * from "./list.ts";
export * from "./list-changes.ts";
export * from "./main.ts";
