import { api } from "@backfill-io/sdk";

// Café à la carte: saved as Latin-1
export const POST = api(async () => api.json({ ok: true }));
