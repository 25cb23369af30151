// Clean but for a warning: the webhook URL does not say which connection it is for.
export default {
  name: "gamma",
  permissions: { http: ["https://api.gamma.example/v3/*"] },
  connection: {
    setup: {
      webhookUrlTemplate: "/api/v1/extensions/<tenant_id>/gamma/routes/hooks/events",
    },
  },
};
