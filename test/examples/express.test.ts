// examples/express/server.ts over real HTTP: see integration-flow.ts for the walk-through.
import { describeIntegration } from './integration-flow.js';

describeIntegration('Express example', async (options) => (await import('../../examples/express/server.js')).startServer(options));
