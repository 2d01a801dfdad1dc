export * from "./detail.ts";
export * from "./list.ts";
export * from "./main.ts";
