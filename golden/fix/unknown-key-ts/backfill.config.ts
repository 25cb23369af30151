import { defineConfig } from "@backfill-io/sdk";

// The fix renames keys, quoted or not, and leaves this comment alone.
export default defineConfig({
  name: "acme",
  displayNme: 'Acme',
  "permisions": {
    http: ["https://api.acme.example/*"], // trailing comment
  },
});
