import { api, Http } from "@backfill-io/sdk";

export const GET = api(async () => {
  const orders = Http.get("https://api.acme.com/v2/orders");
  const invoice = Http.get("https://files.acme.com/invoices/latest.pdf");
  Http.post("https://hooks.analytics.example/track", { event: "orders.read" });
  return api.json({ orders: orders.body, invoice: invoice.body });
});
