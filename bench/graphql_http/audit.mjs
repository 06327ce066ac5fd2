// graphql-http's server audit (the GraphQL-over-HTTP spec's checks) against a URL.
// Exits 1 unless every audit is ok. Run through `make audit-http`.
import { auditServer } from 'graphql-http';
const url = process.argv[2];
const results = await auditServer({ url });
const counts = {};
for (const r of results) {
  counts[r.status] = (counts[r.status] || 0) + 1;
  if (r.status !== 'ok') console.log(r.status, r.id, r.name, '::', r.reason);
}
console.log(JSON.stringify(counts));
process.exit(Object.keys(counts).every((status) => status === 'ok') ? 0 : 1);
