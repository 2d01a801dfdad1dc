/**
 * The release, as package.json names it (tests/openapi-lint.test.ts holds the two equal). A constant
 * rather than a JSON import: the contract is bundled into Workers and read by every runtime alike.
 */
export const PACKAGE_VERSION = "0.1.0";
