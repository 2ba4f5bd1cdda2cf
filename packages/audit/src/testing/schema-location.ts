import { fileURLToPath } from 'node:url';

/**
 * The OCSF schema source used by the tests: `<repo>/../shared/data/ocsf-schema`, resolved from
 * this file's location (CI clones the repository with `shared/` beside it).
 */
export const ocsfSchemaDirectory = fileURLToPath(
  new URL('../../../../../shared/data/ocsf-schema', import.meta.url),
);
