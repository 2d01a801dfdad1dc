import type { Owner } from "../contract/index.ts";

/** An owner with every private field filled, so tests can prove none of them reaches a document. */
export const owner: Owner = {
  id: "o_1",
  name: "김민준",
  businessName: "원조",
  businessNumber: "123-45-67890",
  phone: "010-1111-2222",
  email: "secret@example.com",
  bankAccount: "KB 000",
};
