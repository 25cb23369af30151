import { api, Http } from "@backfill-io/sdk";

export const POST = api(async () => {
  await Http.get("https://api.ledger.example/v2/me");
  return api.json({ ok: true });
});
