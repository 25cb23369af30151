// Five defects in five places: every one is reported in one run.
export default {
  name: "acme",
  permissions: { http: ["https://api.acme.example/*"] },
  conection: {},
  connection: {
    testConnection: { route: "/setup/test_connection", method: "GET " },
    setup: {
      webhookUrlTemplate: "/api/v1/extensions/<tenant_id>/acme/routes/webhooks/acme?connection_id=<conection_id>",
      instructions: "",
    },
    oauth: {
      type: "authorization_code",
      authorizationUrlTemplate: "https://auth.acme.example/oauth/authorize",
      tokenUrlTemplate: "https://auth.acme.example/oauth/token",
      scopes: ["orders.read"],
      client: { credentialKey: "acme_app" },
      postConnect: { route: "/setup/test_connection", method: 1 },
    },
  },
};
