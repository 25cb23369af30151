import { defineConfig } from "@backfill-io/sdk";

export default defineConfig({
  name: "acme",
  permissions: {
    http: [
      'https://api.acme.com/*',
      'https://files.acme.com/*',
    ],
  },
});
