import { describe, expect, test } from 'vitest';
import { storeConformanceCases } from '../../src/conformance/index.js';
import { createMemoryStore } from '../../src/stores/memory/index.js';

describe('memory store: conformance suite', () => {
  const cases = storeConformanceCases(() => createMemoryStore());
  test('the suite has cases', () => expect(cases.length).toBeGreaterThan(20));
  for (const c of cases) test(c.name, c.run);
});

describe('memory store: one shared instance passes too (cases isolate themselves)', () => {
  const shared = createMemoryStore();
  for (const c of storeConformanceCases(() => shared, { only: (name) => name.startsWith('race:') })) test(c.name, c.run);
});
