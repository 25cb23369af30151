import { api } from "@backfill-io/sdk";

export const POST = api(async () => api.json({ ok: true }));
