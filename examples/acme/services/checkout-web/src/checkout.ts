import { z } from "zod";
import { audit } from "./audit";

const Payment = z
  .object({
    amount: z.number().int().positive(),
    currency: z.enum(["EUR", "GBP", "USD"]),
    token: z.string().min(16),
  })
  .strict();

// polic: implements input-validation.schema-validation
export function parsePayment(body: unknown) {
  const parsed = Payment.safeParse(body);
  if (!parsed.success) {
    audit("payment.rejected", { issues: parsed.error.issues.length });
    throw new Error("invalid payment request");
  }
  return parsed.data;
}
