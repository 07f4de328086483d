import { validate } from "./schema";

// polic: implements input-validation.schema-validation
export function handle(request: unknown) {
  return validate(request);
}
