import { parsePayment } from "../src/checkout";

// polic: tests input-validation.schema-validation
test("unknown fields are rejected", () => {
  expect(() => parsePayment({ amount: 5, currency: "EUR", token: "x".repeat(16), admin: true })).toThrow();
});
