/* polic: begin implements security-headers */
export const headers = {
  "Content-Security-Policy": "default-src 'self'",
  "X-Content-Type-Options": "nosniff",
};
/* polic: end */

// polic: implements output-signing: this code signs nothing, the tag is stale
export function sign(): void {}
