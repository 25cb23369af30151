import { api } from "@backfill-io/sdk";

export const POST = api(async (request) => {
  if (!request.body.api_key {
    return api.badRequest("no key");
  }
  return api.json({ ok: true });
});
