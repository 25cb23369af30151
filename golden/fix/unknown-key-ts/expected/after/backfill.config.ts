import { defineConfig } from "@backfill-io/sdk";

// The fix renames keys, quoted or not, and leaves this comment alone.
export default defineConfig({
  name: "acme",
  displayName: 'Acme',
  "permissions": {
    http: ["https://api.acme.example/*"], // trailing comment
  },
});
