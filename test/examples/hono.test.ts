// examples/hono/server.ts over real HTTP: see integration-flow.ts for the walk-through.
import { describeIntegration } from './integration-flow.js';

describeIntegration('Hono example', async (options) => (await import('../../examples/hono/server.js')).startServer(options));
