import { defineConfig } from "@backfill-io/sdk";

let region = "eu";

export default defineConfig({
  name: "acme",
  displayName: process.env.ACME_DISPLAY_NAME,
  description: describeConnector(),
  permissions: {
    http: [`https://${region}.api.acme.example/*`],
  },
});
