import { describe, expect, it } from 'vitest';
import { InvalidPullRequestError } from '../../../../lambdas/ingest-pull/errors.js';
import { newSeed, parsePullRequest } from '../../../../lambdas/ingest-pull/pull-request.js';

const defaults = { count: 100, newSeed: () => 'fresh-seed' };

describe('parsePullRequest', () => {
  it('reads { count } as EventBridge Scheduler and MWAA send it', () => {
    expect(parsePullRequest({ count: 250 }, defaults)).toEqual({ count: 250, seed: 'fresh-seed' });
  });

  it('uses the defaults for an empty or missing input', () => {
    expect(parsePullRequest({}, defaults)).toEqual({ count: 100, seed: 'fresh-seed' });
    expect(parsePullRequest(null, defaults)).toEqual({ count: 100, seed: 'fresh-seed' });
    expect(parsePullRequest(undefined, defaults)).toEqual({ count: 100, seed: 'fresh-seed' });
  });

  it('keeps a given seed so a run can be repeated', () => {
    expect(parsePullRequest({ count: 1, seed: 'tutorial_2024-05' }, defaults)).toEqual({
      count: 1,
      seed: 'tutorial_2024-05',
    });
  });

  it.each([
    ['zero', { count: 0 }, 'count'],
    ['more than 5000', { count: 5001 }, 'count'],
    ['a fraction', { count: 1.5 }, 'count'],
    ['a string', { count: '10' }, 'count'],
    ['a misspelt field', { cout: 10 }, 'cout'],
    ['a seed with spaces', { seed: 'a b' }, 'seed'],
    // The pull side only creates users: nothing in its input can ask it for a deletion.
    ['a request for deletions', { count: 1, event_type: 'user.deleted' }, 'event_type'],
  ])('refuses %s, naming the field', (_case, input, path) => {
    const error = (() => {
      try {
        parsePullRequest(input, defaults);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidPullRequestError);
    expect((error as InvalidPullRequestError).issues.map((issue) => issue.path)).toEqual([path]);
  });

  it('refuses an input that is not an object', () => {
    expect(() => parsePullRequest('{"count":5}', defaults)).toThrow(InvalidPullRequestError);
  });

  it('makes randomuser-style seeds', () => {
    expect(newSeed()).toMatch(/^[0-9a-f]{16}$/);
  });
});
