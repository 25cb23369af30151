import { defineConfig } from "@backfill-io/sdk";

// The manifest is a named export, so the compiler finds no default export.
export const config = defineConfig({
  name: "acme",
  permissions: { http: ["https://api.acme.example/*"] },
});
